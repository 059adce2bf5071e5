// area demo
