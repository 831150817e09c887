/* provincialstats-name-suggest: the dataset's URL name proposed from its title while
 * the curator types it. CKAN's slug preview drops Thai letters (ทุเรียน gives an empty
 * name); the server romanises Thai offline (provincialstats_name_suggest, PyThaiNLP
 * royin: ทุเรียน -> thurian) and adds -2, -3... when the name is taken.
 *
 * A name already there (editing) or typed by hand is kept; emptying the field by hand
 * makes the title propose again.
 *
 * Options
 *   api     - URL of the provincialstats_name_suggest action (same site)
 *   title   - selector of the title input (default: #field-title)
 *   dataset - id of the dataset being edited (its own name counts as free)
 */
this.ckan.module('provincialstats-name-suggest', function ($) {
  'use strict';

  return {
    options: {
      api: '',
      title: '#field-title',
      dataset: ''
    },

    initialize: function () {
      $.proxyAll(this, /_on/);
      this.title = $(this.options.title);
      this.timer = null;
      this.request = null;
      // A name already there is the curator's (or the dataset's): keep it.
      this.kept = this.el.val() !== '';
      this.el.on('input', this._onNameTyped);
      this.title.on('input change', this._onTitleChanged);
      if (!this.kept && this.title.val()) {
        this.suggest();
      }
    },

    _onNameTyped: function () {
      this.kept = this.el.val() !== '';
      if (!this.kept) {
        this._onTitleChanged();
      }
    },

    _onTitleChanged: function () {
      if (this.kept) {
        return;
      }
      window.clearTimeout(this.timer);
      this.timer = window.setTimeout(this.suggest.bind(this), 250);
    },

    suggest: function () {
      var title = $.trim(this.title.val() || '');
      if (this.request) {
        this.request.abort();
        this.request = null;
      }
      if (!title) {
        this.el.val('');
        return;
      }
      var params = {title: title};
      if (this.options.dataset) {
        params.id = String(this.options.dataset);
      }
      this.request = $.ajax({url: this.options.api, data: params, dataType: 'json'})
        .done(function (response) {
          if (this.kept) {
            return;
          }
          var name = response && response.result ? response.result.name : null;
          this.el.val(name || '').attr('data-provincialstats-proposed', name || '');
          this.el.trigger('change');
        }.bind(this));
    }
  };
});
