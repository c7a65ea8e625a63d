-- pgvector stores and searches embeddings (long-term memory).
CREATE EXTENSION IF NOT EXISTS vector;
