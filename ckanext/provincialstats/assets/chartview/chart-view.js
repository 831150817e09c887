/* provincialstats-chart-view: a line or bar chart of a DataStore table, drawn with
 * ECharts (vendored, assets/chartview/vendor/) on a canvas.
 *
 * The configuration is one JSON attribute rendered by the server
 * (templates/provincialstats/chartview/chart_view.html):
 *
 *   data-provincialstats-chart='{"resourceId": ..., "api": "/api/3/action/datastore_search",
 *     "lang": "th", "chartType": "line", "aggregate": "sum",
 *     "time": {"id", "label", "era": "be"|"ce"|"auto"}, "value": {...}, "series": {...}|null,
 *     "provinceNames": {"th-22": "จันทบุรี", ...}, "maxRows": 50000, "pageSize": 10000,
 *     "messages": {...}}'
 *
 * The rows are read with datastore_search on the same site: only the three columns,
 * in pages sorted by _id, up to maxRows. Rows on the same time and series are added up
 * (or averaged). Years: a Buddhist Era year is shown as BE on Thai pages and as CE on
 * English pages (and a CE year the other way round).
 *
 * Table text (column names, cells) is only ever set as text: ECharts draws it on the
 * canvas (the tooltip in its richText mode, not HTML), the status line and the data
 * table use textContent.
 */
this.ckan.module('provincialstats-chart-view', function ($) {
  'use strict';

  var BE_OFFSET = 543;

  function parseConfig(el) {
    try {
      return JSON.parse(el.getAttribute('data-provincialstats-chart') || '{}');
    } catch (e) {
      return {};
    }
  }

  function format(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? values[key] : all;
    });
  }

  function toNumber(value) {
    if (value === null || value === undefined || value === '') {
      return null;
    }
    if (typeof value === 'number') {
      return isFinite(value) ? value : null;
    }
    var number = Number(String(value).replace(/,/g, '').trim());
    return isFinite(number) ? number : null;
  }

  /* A time key that sorts: a number for years, the text otherwise. */
  function timeKey(value) {
    if (value === null || value === undefined) {
      return null;
    }
    var text = String(value).trim();
    if (/^-?\d+(\.0+)?$/.test(text)) {
      return Number(text);
    }
    return text;
  }

  function compareKeys(a, b) {
    if (typeof a === 'number' && typeof b === 'number') {
      return a - b;
    }
    return String(a).localeCompare(String(b));
  }

  return {
    initialize: function () {
      this.config = parseConfig(this.el[0]);
      this.status = this.el.find('.provincialstats-chart-status');
      this.canvas = this.el.find('.provincialstats-chart-canvas')[0];
      this.rows = [];
      if (!this.config.time || !this.config.value || !this.config.resourceId) {
        return;
      }
      if (typeof window.echarts === 'undefined') {
        this.say(this.config.messages.error);
        return;
      }
      this.fetch(0, null);
    },

    say: function (text) {
      this.status.text(text);
    },

    columns: function () {
      var names = [this.config.time.id, this.config.value.id];
      if (this.config.series) {
        names.push(this.config.series.id);
      }
      return names;
    },

    fetch: function (offset, total) {
      var config = this.config;
      var limit = Math.min(config.pageSize, config.maxRows - offset);
      var params = {
        resource_id: config.resourceId,
        fields: this.columns(),
        sort: '_id',
        limit: limit,
        offset: offset,
        include_total: offset === 0
      };
      $.ajax({
        url: config.api,
        data: $.param(params, true),
        dataType: 'json',
        cache: true
      }).done(function (response) {
        var result = response && response.result;
        if (!result) {
          this.say(config.messages.error);
          return;
        }
        if (offset === 0) {
          total = result.total;
        }
        this.rows = this.rows.concat(result.records);
        var read = offset + result.records.length;
        if (result.records.length === limit && read < total && read < config.maxRows) {
          this.fetch(read, total);
        } else {
          this.draw(read, total);
        }
      }.bind(this)).fail(function () {
        this.say(config.messages.error);
      }.bind(this));
    },

    /* The calendar of the time column: 'be' or 'ce' (from the column's name, else
       from the values: a year above 2400 is Buddhist Era), or null when it holds no
       years. */
    era: function (keys) {
      var years = keys.filter(function (key) {
        var text = String(key);
        return /^\d{4}/.test(text);
      });
      if (!years.length) {
        return null;
      }
      if (this.config.time.era === 'be' || this.config.time.era === 'ce') {
        return this.config.time.era;
      }
      return parseInt(String(years[0]).slice(0, 4), 10) > 2400 ? 'be' : 'ce';
    },

    /* A time value as the page's language shows it: BE years on Thai pages, CE on
       English ones (the first four digits of 2562, 2019-01 or 2019-01-31). */
    timeLabel: function (key, era) {
      var text = String(key);
      var match = /^(\d{4})(.*)$/.exec(text);
      if (!match || !era) {
        return text;
      }
      var year = parseInt(match[1], 10);
      if (era === 'be' && this.config.lang !== 'th') {
        year -= BE_OFFSET;
      } else if (era === 'ce' && this.config.lang === 'th') {
        year += BE_OFFSET;
      }
      return String(year) + match[2];
    },

    seriesLabel: function (value) {
      if (value === null || value === undefined || value === '') {
        return '-';
      }
      var text = String(value).trim();
      var names = this.config.provinceNames || {};
      return names[text.toLowerCase()] || text;
    },

    /* {times: [key], series: [{name, data: [value|null]}]} with the rows on the same
       time and series added up or averaged. */
    aggregate: function () {
      var config = this.config;
      var timeId = config.time.id;
      var valueId = config.value.id;
      var seriesId = config.series ? config.series.id : null;
      var cells = {};
      var timeSet = {};
      var seriesOrder = [];
      var seriesSeen = {};
      this.rows.forEach(function (row) {
        var time = timeKey(row[timeId]);
        var value = toNumber(row[valueId]);
        if (time === null || time === '' || value === null) {
          return;
        }
        var name = seriesId ? this.seriesLabel(row[seriesId]) : config.value.label;
        if (!seriesSeen[name]) {
          seriesSeen[name] = true;
          seriesOrder.push(name);
        }
        timeSet[time] = time;
        var cellKey = name + '\u0000' + time;
        var cell = cells[cellKey] || (cells[cellKey] = {sum: 0, count: 0});
        cell.sum += value;
        cell.count += 1;
      }.bind(this));
      var times = Object.keys(timeSet).map(function (k) { return timeSet[k]; })
        .sort(compareKeys);
      var series = seriesOrder.map(function (name) {
        return {
          name: name,
          data: times.map(function (time) {
            var cell = cells[name + '\u0000' + time];
            if (!cell) {
              return null;
            }
            var value = config.aggregate === 'mean' ? cell.sum / cell.count : cell.sum;
            return Math.round(value * 1e6) / 1e6;
          })
        };
      });
      return {times: times, series: series};
    },

    draw: function (read, total) {
      var config = this.config;
      var messages = config.messages;
      var data = this.aggregate();
      if (!data.times.length) {
        this.say(messages.empty);
        return;
      }
      var era = this.era(data.times);
      var labels = data.times.map(function (key) { return this.timeLabel(key, era); }.bind(this));
      // Years turned into the page's calendar are named after it, not after the column.
      var converted = (era === 'be' && config.lang !== 'th') || (era === 'ce' && config.lang === 'th');
      var timeName = converted ? (config.lang === 'th' ? messages.yearBE : messages.yearCE)
        : config.time.label;
      this.timeName = timeName;
      var type = config.chartType === 'bar' ? 'bar' : 'line';
      var chart = window.echarts.init(this.canvas, null, {renderer: 'canvas'});
      chart.setOption({
        animation: false,
        tooltip: {trigger: 'axis', renderMode: 'richText', confine: true},
        legend: {type: 'scroll', top: 0, data: data.series.map(function (s) { return s.name; })},
        grid: {left: 16, right: 24, top: 48, bottom: 56, containLabel: true},
        xAxis: {
          type: 'category', data: labels, name: timeName,
          nameLocation: 'middle', nameGap: 32, boundaryGap: type === 'bar'
        },
        yAxis: {type: 'value', name: config.value.label, nameTextStyle: {align: 'left'}},
        dataZoom: labels.length > 40 ? [{type: 'inside'}, {type: 'slider', height: 16, bottom: 4}] : [],
        series: data.series.map(function (s) {
          return {name: s.name, type: type, data: s.data, connectNulls: false,
                  showSymbol: labels.length <= 60};
        })
      });
      $(window).on('resize', function () { chart.resize(); });
      this.chart = chart;
      this.el.attr('data-provincialstats-chart-series', String(data.series.length));
      this.el.attr('data-provincialstats-chart-points', String(labels.length));

      var note = total > read
        ? format(messages.capped, {shown: read.toLocaleString(), total: total.toLocaleString()})
        : format(messages.rows, {rows: read.toLocaleString()});
      this.say(note + ' ' + (config.aggregate === 'mean' ? messages.mean : messages.sum));
      this.table(labels, data.series);
    },

    /* The drawn values as a table (built with text nodes only). */
    table: function (labels, series) {
      var table = this.el.find('.provincialstats-chart-data table')[0];
      if (!table) {
        return;
      }
      var head = table.createTHead().insertRow();
      var cell = document.createElement('th');
      cell.scope = 'col';
      cell.textContent = this.timeName;
      head.appendChild(cell);
      series.forEach(function (s) {
        var th = document.createElement('th');
        th.scope = 'col';
        th.textContent = s.name;
        head.appendChild(th);
      });
      var body = table.createTBody();
      var lang = this.config.lang === 'th' ? 'th-TH' : 'en-US';
      labels.forEach(function (label, index) {
        var row = body.insertRow();
        var th = document.createElement('th');
        th.scope = 'row';
        th.textContent = label;
        row.appendChild(th);
        series.forEach(function (s) {
          var value = s.data[index];
          row.insertCell().textContent = value === null ? '' : value.toLocaleString(lang);
        });
      });
      this.el.find('.provincialstats-chart-data').prop('hidden', false);
    }
  };
});
