"""One panel per mechanism; each only renders its engine's snapshots."""
