// answer_json: in progress
