/* provincialstats-strategic-issues: the strategic issue list offers the strategic
 * issue records of the provinces chosen in the province field. When the provinces
 * change the options are asked again (provincialstats_strategic_issue_options); the
 * issues still picked and still offered stay picked.
 *
 * Options
 *   api      - URL of provincialstats_strategic_issue_options (same site)
 *   province - selector of the province select (default: #field-province)
 *   lang     - 'th' or 'en': which title of an issue to show
 *
 * Titles are set as text (option.text), never as HTML.
 */
this.ckan.module('provincialstats-strategic-issues', function ($) {
  'use strict';

  return {
    options: {
      api: '',
      province: '#field-province',
      lang: 'th'
    },

    initialize: function () {
      $.proxyAll(this, /_on/);
      this.province = $(this.options.province);
      this.empty = this.el.closest('.form-group, .control-group')
        .find('.provincialstats-strategic-issues-empty');
      this.request = null;
      this.province.on('change', this._onProvinceChange);
    },

    provinces: function () {
      var value = this.province.val();
      if (!value) {
        return [];
      }
      return Array.isArray(value) ? value : [value];
    },

    _onProvinceChange: function () {
      var codes = this.provinces();
      if (this.request) {
        this.request.abort();
        this.request = null;
      }
      if (!codes.length) {
        this.fill([]);
        return;
      }
      this.request = $.ajax({
        url: this.options.api,
        data: $.param({province: codes}, true),
        dataType: 'json'
      }).done(function (response) {
        this.fill(response && response.result ? response.result : []);
      }.bind(this));
    },

    fill: function (issues) {
      var select = this.el[0];
      var picked = {};
      $(select).find('option:checked').each(function (index, option) {
        picked[option.value] = true;
      });
      while (select.options.length) {
        select.remove(0);
      }
      var english = this.options.lang === 'en';
      issues.forEach(function (issue) {
        var title = (english && issue.title_en) ? issue.title_en : issue.title;
        if (issue.plan_period) {
          title += ' (' + issue.plan_period + ')';
        }
        var option = new Option(title, issue.name, false, !!picked[issue.name]);
        select.add(option);
      });
      this.empty.prop('hidden', issues.length > 0);
      $(select).trigger('change');
    }
  };
});
