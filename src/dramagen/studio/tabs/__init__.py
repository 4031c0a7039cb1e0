"""One module per tab of the studio. Each has ``layout(p)`` (its components, inside ``gr.Tab``,
stored on the :class:`~dramagen.studio.page.Page`) and ``wire(p)`` (its events), called by
:func:`dramagen.studio.app.build` in the order of the tabs."""
