"""The article archive: articles factsift has analysed and kept, searchable for coverage by other outlets."""
