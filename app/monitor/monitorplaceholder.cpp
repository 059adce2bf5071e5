// area monitor
