// timeline: in progress
