"""Networks read from the graph and the offline page that explores them (`kg explore`)."""
