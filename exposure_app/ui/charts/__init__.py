"""Charts. The history chart uses pyqtgraph (``history_chart`` configures it on
import); the overview's donut and bars are painted widgets, so opening the
window does not load pyqtgraph."""
