/* provincialstats-resource-upload: what the inline onclick handlers of CKAN's
 * resource_upload_field.html did, which the extension's Content-Security-Policy
 * blocks. Each button says what it does (templates/package/snippets/
 * resource_upload_field.html):
 *
 *   data-provincialstats-upload="upload"  choose a file to upload
 *   data-provincialstats-upload="link"    type a link
 *   data-provincialstats-upload="remove"  neither (data-provincialstats-clear says
 *                                         which input to empty: upload or url)
 *   data-provincialstats-upload="clear"   drop the file already uploaded
 */
this.ckan.module('provincialstats-resource-upload', function ($) {
  'use strict';

  function byId(id) {
    return document.getElementById(id);
  }

  function check(id) {
    var input = byId(id);
    if (input) {
      input.checked = true;
      $(input).trigger('change');
    }
  }

  return {
    initialize: function () {
      this.el.on('click', '[data-provincialstats-upload]', function (event) {
        var button = event.currentTarget;
        var action = button.getAttribute('data-provincialstats-upload');
        if (action === 'upload') {
          check('resource-url-upload');
          var file = byId('field-resource-upload');
          if (file) {
            file.click();
          }
        } else if (action === 'link') {
          check('resource-url-link');
          $('#field-resource-url').trigger('focus');
        } else if (action === 'remove') {
          check('resource-url-none');
          if (button.getAttribute('data-provincialstats-clear') === 'upload') {
            var upload = $('#field-resource-upload');
            upload.replaceWith(upload.val('').clone(true));
          } else {
            $('#field-resource-url').val('');
          }
          $('#' + button.getAttribute('data-provincialstats-focus')).trigger('focus');
        } else if (action === 'clear') {
          check('field-clear-upload');
          $('#field-resource-upload').trigger('focus');
        }
      });
    }
  };
});
