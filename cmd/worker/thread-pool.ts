// Imported first by the worker's main: libuv sizes its thread pool on first use, and every
// check's DNS lookup (getaddrinfo) runs on it. With the default 4 threads, a few names whose
// DNS servers do not answer hold the pool for seconds and stall every other check's lookup.
process.env.UV_THREADPOOL_SIZE ??= "64";
