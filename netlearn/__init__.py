"""NetLearn: learn Linux and Kubernetes networking in the browser."""
