"""The sweep view: a tab's parameters swept in the background, plotted, a click to replay.

``figure``  the plot of one metric (curve with a band, or heat map) and its PNG export
``view``    the window: parameter pickers from the tab's declarations, progress, Cancel
"""
