// app: in progress
