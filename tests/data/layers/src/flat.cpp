// Fixture: a source outside every layer folder.
