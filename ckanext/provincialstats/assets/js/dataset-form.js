/* provincialstats-dataset-form: the dataset form shows only the fields that apply to
 * the chosen data type, and a `*_other` field only when its parent field's value is
 * "other". Hidden fields are disabled, so the browser does not send what they hold
 * (the server refuses values in fields that do not apply); showing a field again
 * gives back what the curator typed.
 *
 * The rules come from the schema, rendered by scheming/snippets/form_field.html into
 * the wrapper of each field:
 *
 *   <div data-provincialstats-field="disaggregate_other"
 *        data-provincialstats-data-types='["ข้อมูลสถิติ"]'
 *        data-provincialstats-other-of="disaggregate"
 *        data-provincialstats-other-values='["อื่นๆ"]'>
 *
 * Options
 *   typeField - the name of the data type field (default: data_type)
 *   dataType  - the data type itself, where the form has no such field (a resource
 *               form gets its dataset's)
 *
 * A section (fieldset[data-provincialstats-section]) with no field left to show is
 * hidden too.
 */
this.ckan.module('provincialstats-dataset-form', function ($) {
  'use strict';

  function jsonList(text) {
    if (!text) {
      return null;
    }
    try {
      var value = JSON.parse(text);
      return Array.isArray(value) ? value : null;
    } catch (e) {
      return null;
    }
  }

  return {
    options: {
      typeField: 'data_type',
      dataType: ''
    },

    initialize: function () {
      $.proxyAll(this, /_on/);
      this.fields = {};
      this.el.find('[data-provincialstats-field]').each(function (index, node) {
        var wrapper = $(node);
        this.fields[wrapper.attr('data-provincialstats-field')] = {
          el: wrapper,
          dataTypes: jsonList(wrapper.attr('data-provincialstats-data-types')),
          otherOf: wrapper.attr('data-provincialstats-other-of') || null,
          otherValues: jsonList(wrapper.attr('data-provincialstats-other-values')) || []
        };
      }.bind(this));

      var typeField = this.fields[this.options.typeField];
      var hint = this.el.find('.provincialstats-data-type-hint');
      if (typeField) {
        hint.insertAfter(typeField.el).prop('hidden', false);
      }
      this.el.on('change', ':input', this._onChange);
      this.update();
    },

    _onChange: function () {
      this.update();
    },

    /* The values a field holds now: the selected option, the ticked boxes, the text. */
    values: function (name) {
      var field = this.fields[name];
      if (!field) {
        return [];
      }
      var found = [];
      field.el.find(':input').each(function (index, input) {
        if ((input.type === 'checkbox' || input.type === 'radio') && !input.checked) {
          return;
        }
        var value = $(input).val();
        found = found.concat(Array.isArray(value) ? value : [value]);
      });
      return found.filter(function (value) { return value !== null && value !== ''; });
    },

    applies: function (name, dataType) {
      var field = this.fields[name];
      if (field.dataTypes && field.dataTypes.indexOf(dataType) === -1) {
        return false;
      }
      if (field.otherOf && this.fields[field.otherOf]) {
        return this.applies(field.otherOf, dataType) &&
          this.values(field.otherOf).some(function (value) {
            return field.otherValues.indexOf(value) !== -1;
          });
      }
      return true;
    },

    update: function () {
      var dataType = this.options.dataType ? String(this.options.dataType)
        : (this.values(this.options.typeField)[0] || '');
      $.each(this.fields, function (name, field) {
        this.show(field, this.applies(name, dataType));
      }.bind(this));
      this.el.find('fieldset[data-provincialstats-section]').each(function (index, node) {
        var section = $(node);
        section.prop('hidden',
          section.children('[data-provincialstats-field]').not('[hidden]').length === 0);
      });
    },

    show: function (field, visible) {
      field.el.prop('hidden', !visible);
      field.el.find(':input').each(function (index, input) {
        var item = $(input);
        if (!visible && !input.disabled) {
          item.prop('disabled', true).attr('data-provincialstats-disabled', '');
        } else if (visible && item.is('[data-provincialstats-disabled]')) {
          item.prop('disabled', false).removeAttr('data-provincialstats-disabled');
        }
      });
    }
  };
});
