// compiler: in progress
