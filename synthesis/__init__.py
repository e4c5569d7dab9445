"""From validated environments to files: build the cdk8s App per environment and write dist/."""
