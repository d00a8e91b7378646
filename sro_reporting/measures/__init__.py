"""The measures of the instruction: one module per section or measure, computed from a loaded DataSet."""
