// area redis
