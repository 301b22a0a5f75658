"""Running the map and the reduce: the pipeline, the runners, the corpus stages."""
