"""Backends translate a layout into a file or an API, and back. The core never imports them."""
