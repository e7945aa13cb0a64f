"""Services hold the rules and own the transaction; views only parse requests and render results."""
