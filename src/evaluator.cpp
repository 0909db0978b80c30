// evaluator: in progress
