"""Retrieval: chunking, sparse and dense indexes, fusion."""
