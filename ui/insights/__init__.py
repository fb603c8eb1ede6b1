"""The owner's Insights window: the reports of models.insights as tables and charts.

One module per job:

- ``window``: the window itself (tabs, period, grouping, Refresh, export and print);
- ``page`` and one ``*_page`` module per report (each runs its report off the UI thread);
- ``table_model`` / ``table_view``: a generic table of report rows, sorted by a sort role;
- ``charts``: QtCharts builders that follow the palette (light or dark) and show values on hover;
- ``export``: CSV (spreadsheet-safe), PNG, and the printed / PDF document;
- ``runner``: background work whose stale results are dropped;
- ``fix_dialog``: recording and editing a process fix.

QtCharts is imported only here, and the counter window imports this package only when the
Insights window is opened, so the app starts as fast as before.
"""
