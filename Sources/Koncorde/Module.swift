// Koncorde module.
