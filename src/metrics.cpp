// metrics: in progress
