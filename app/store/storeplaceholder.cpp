// area store
