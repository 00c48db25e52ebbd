"""The inbox stage: store each delivery, process it into the order picture, sweep, compliance."""
