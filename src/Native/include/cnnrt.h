/*
 * cnnrt.h - the C ABI of cnnrt, a CNN inference runtime (libcnnrt.so).
 *
 * C99; usable from C++ (extern "C"). Link with -lcnnrt (or find_package(cnnrt) / pkg-config cnnrt).
 *
 * Conventions
 * - Every function that can fail returns a cnnrt_status: CNNRT_OK (0) on success, a CNNRT_ERROR_* code otherwise.
 *   Functions returning a count return 0 on failure. No function ever lets an exception or a signal escape for a
 *   misuse it can detect: NULL pointers, freed or foreign handles, wrong element counts, small buffers, indices out
 *   of range, unreadable or corrupt model files are all answered with a status.
 * - After a failure, cnnrt_last_error() describes it ("function: what went wrong"). The message is thread-local; a
 *   successful call empties it. The pointer is valid until the next cnnrt call on the same thread.
 * - Out-parameters: on failure *out_model / *out_session are set to NULL (when the pointer itself is not NULL).
 * - Strings are UTF-8 and NUL-terminated. Functions that copy a string out take (buf, capacity, out_len):
 *   *out_len (out_len may be NULL) receives the length without the NUL, also when the result is
 *   CNNRT_ERROR_BUFFER_TOO_SMALL, so a caller can ask with (NULL, 0, &len) first and then pass len + 1 bytes.
 *   Shapes work alike with (dims, capacity, out_rank).
 * - Element counts are counts of floats, not bytes. Tensors are dense, row-major (NCHW for images), float32.
 *
 * Threads
 * - A cnnrt_model is read-only once loaded: any number of threads may create sessions from it and read its metadata
 *   at the same time. Sessions keep what they need of their model, so the model may be freed before its sessions.
 * - A cnnrt_session belongs to one thread at a time: never call into the same session from two threads at once
 *   (use one session per thread; they may share a model). A session may move between threads between calls.
 * - Handles are checked against a registry of live handles: NULL, a handle already freed (double free, use after
 *   free), a model passed as a session and a stray pointer are reported as CNNRT_ERROR_INVALID_HANDLE and never
 *   dereferenced. (One case cannot be detected: after a handle is freed, a later handle of the same kind may reuse
 *   its value; a stale copy of the freed one then names the new object. Do not keep stale handles.)
 *   Freeing a handle while another thread uses it is undefined.
 *
 * Allocation: cnnrt_session_run_f32 and cnnrt_session_run allocate nothing (after the first run of a session).
 */
#ifndef CNNRT_H
#define CNNRT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#  define CNNRT_API __declspec(dllimport)
#else
#  define CNNRT_API __attribute__((visibility("default")))
#endif

/** The ABI version this header describes; cnnrt_abi_version() returns the library's. Equal = compatible. */
#define CNNRT_ABI_VERSION 1u

/* ---- status codes ------------------------------------------------------------------------------------------- */

typedef int32_t cnnrt_status;

enum {
    CNNRT_OK = 0,
    /** The model is not a well-formed ONNX model (bad protobuf, cycles, missing tensors, bad attributes). */
    CNNRT_ERROR_INVALID_MODEL = 1,
    /** Well formed, but uses an operator, attribute or data type cnnrt does not run (or an unknown options field). */
    CNNRT_ERROR_UNSUPPORTED = 2,
    /** A wrong argument: wrong element count or shape, bad option value, empty path. */
    CNNRT_ERROR_INVALID_ARGUMENT = 3,
    /** A tensor or model is over the configured limits (rejected before allocating). */
    CNNRT_ERROR_LIMIT_EXCEEDED = 4,
    /** A file could not be read (missing, a directory, no permission). */
    CNNRT_ERROR_IO = 5,
    /** Input data is malformed or truncated. */
    CNNRT_ERROR_INVALID_DATA = 6,
    /** A required pointer argument is NULL. */
    CNNRT_ERROR_NULL_ARGUMENT = 7,
    /** An index (input, output, label, metadata key) is out of range, or k > count. */
    CNNRT_ERROR_OUT_OF_RANGE = 8,
    /** The caller's buffer is too small; *out_len / *out_rank tell the size needed. */
    CNNRT_ERROR_BUFFER_TOO_SMALL = 9,
    /** A model or session handle that is not live: freed, never returned by cnnrt, or of the other kind. */
    CNNRT_ERROR_INVALID_HANDLE = 10,
    /** The model has no metadata entry with that key. */
    CNNRT_ERROR_NOT_FOUND = 11,
    /** Memory ran out. */
    CNNRT_ERROR_OUT_OF_MEMORY = 12,
    /** A bug in cnnrt; the message says what happened. */
    CNNRT_ERROR_INTERNAL = 13
};

/* ---- handles and options ------------------------------------------------------------------------------------ */

/** A loaded, validated, optimized model. Opaque. */
typedef struct cnnrt_model cnnrt_model;
/** A model planned for fixed input shapes, with its own memory. Opaque. */
typedef struct cnnrt_session cnnrt_session;

/**
 * Options for cnnrt_session_create. Initialise with CNNRT_SESSION_OPTIONS_INIT or cnnrt_session_options_init(), then
 * set fields. struct_size tells the library which version of the struct the caller was compiled with; later
 * versions only append fields, and a library that meets fields it does not know accepts them while they are zero.
 */
typedef struct cnnrt_session_options {
    size_t struct_size;          /**< sizeof(cnnrt_session_options) */
    int32_t threads;             /**< worker threads for one run; 0 = default (the number of physical cores) */
    /** Input shapes to plan for: 0 = the model's declared shapes, with a symbolic batch dimension taken as 1.
        Otherwise one shape per model input, in order: input i has input_ranks[i] dimensions, read one after the
        other from input_dims (so input_dims holds the sum of the ranks). Every dimension must be positive. */
    size_t input_shape_count;
    const size_t* input_ranks;
    const int64_t* input_dims;
} cnnrt_session_options;

#define CNNRT_SESSION_OPTIONS_INIT { sizeof(cnnrt_session_options), 0, 0, NULL, NULL }

static inline void cnnrt_session_options_init(cnnrt_session_options* options)
{
    cnnrt_session_options defaults = CNNRT_SESSION_OPTIONS_INIT;
    *options = defaults;
}

/* ---- library ------------------------------------------------------------------------------------------------ */

/** The ABI version of the library; compare with CNNRT_ABI_VERSION. Never fails. */
CNNRT_API uint32_t cnnrt_abi_version(void);
/** The library version, like "0.1.0+1ba95ac9d2e0" (static storage). Never fails. */
CNNRT_API const char* cnnrt_version_string(void);
/** The message of the last failed call on this thread, "" after a success; valid until the next call on this
    thread. Never NULL. */
CNNRT_API const char* cnnrt_last_error(void);
/** The name of a status code, like "CNNRT_ERROR_IO" (static storage; "CNNRT_ERROR_UNKNOWN" for unknown codes). */
CNNRT_API const char* cnnrt_status_string(cnnrt_status status);

/* ---- models ------------------------------------------------------------------------------------------------- */

/** Loads, validates and optimizes an ONNX model file. *out_model receives a model to free with cnnrt_model_free.
    Errors: NULL_ARGUMENT, INVALID_ARGUMENT (empty path), IO, INVALID_MODEL, UNSUPPORTED, LIMIT_EXCEEDED. */
CNNRT_API cnnrt_status cnnrt_model_load_file(const char* path, cnnrt_model** out_model);
/** The same from size bytes in memory; the bytes are not used after the call returns. */
CNNRT_API cnnrt_status cnnrt_model_load_memory(const void* data, size_t size, cnnrt_model** out_model);
/** Frees a model. NULL is a no-op. Sessions created from it stay usable. A handle that is not a live model
    (double free) is left alone and reported through cnnrt_last_error(). */
CNNRT_API void cnnrt_model_free(cnnrt_model* model);
/** cnnrt_model_free that returns its status: CNNRT_OK (also for NULL) or CNNRT_ERROR_INVALID_HANDLE. */
CNNRT_API cnnrt_status cnnrt_model_free_checked(cnnrt_model* model);

/** Copies the value of metadata_props entry key (such as "labels", "mean", "std", "input_scale") into buf.
    Errors: NOT_FOUND when the model has no such key, BUFFER_TOO_SMALL (see *out_len). */
CNNRT_API cnnrt_status cnnrt_model_metadata(const cnnrt_model* model, const char* key,
                                            char* buf, size_t capacity, size_t* out_len);
/** The number of metadata entries (0 on failure). */
CNNRT_API size_t cnnrt_model_metadata_count(const cnnrt_model* model);
/** Copies the key of metadata entry index (keys in byte order) into buf. */
CNNRT_API cnnrt_status cnnrt_model_metadata_key(const cnnrt_model* model, size_t index,
                                                char* buf, size_t capacity, size_t* out_len);
/** The number of class labels (the comma-separated metadata "labels"); 0 when there are none or on failure. */
CNNRT_API size_t cnnrt_model_label_count(const cnnrt_model* model);
/** Copies class label index (trimmed) into buf. Errors: OUT_OF_RANGE, BUFFER_TOO_SMALL. */
CNNRT_API cnnrt_status cnnrt_model_label(const cnnrt_model* model, size_t index,
                                         char* buf, size_t capacity, size_t* out_len);

/* ---- sessions ----------------------------------------------------------------------------------------------- */

/** Plans model for its input shapes (options may be NULL for the defaults) and allocates the session's memory.
    Errors: INVALID_HANDLE, INVALID_ARGUMENT (bad options or shapes), UNSUPPORTED, LIMIT_EXCEEDED. */
CNNRT_API cnnrt_status cnnrt_session_create(const cnnrt_model* model, const cnnrt_session_options* options,
                                            cnnrt_session** out_session);
/** Frees a session. NULL is a no-op; a double free is left alone and reported through cnnrt_last_error(). */
CNNRT_API void cnnrt_session_free(cnnrt_session* session);
/** cnnrt_session_free that returns its status: CNNRT_OK (also for NULL) or CNNRT_ERROR_INVALID_HANDLE. */
CNNRT_API cnnrt_status cnnrt_session_free_checked(cnnrt_session* session);

/** The number of model inputs / outputs (0 on failure, see cnnrt_last_error). */
CNNRT_API size_t cnnrt_session_input_count(const cnnrt_session* session);
CNNRT_API size_t cnnrt_session_output_count(const cnnrt_session* session);

/** Copies the shape of input / output index, as planned, into dims[capacity]; *out_rank (may be NULL) receives the
    rank, also with BUFFER_TOO_SMALL. dims may be NULL when capacity is 0. Errors: OUT_OF_RANGE, BUFFER_TOO_SMALL. */
CNNRT_API cnnrt_status cnnrt_session_input_shape(const cnnrt_session* session, size_t index,
                                                 int64_t* dims, size_t capacity, size_t* out_rank);
CNNRT_API cnnrt_status cnnrt_session_output_shape(const cnnrt_session* session, size_t index,
                                                  int64_t* dims, size_t capacity, size_t* out_rank);
/** Copies the name of input / output index into buf. */
CNNRT_API cnnrt_status cnnrt_session_input_name(const cnnrt_session* session, size_t index,
                                                char* buf, size_t capacity, size_t* out_len);
CNNRT_API cnnrt_status cnnrt_session_output_name(const cnnrt_session* session, size_t index,
                                                 char* buf, size_t capacity, size_t* out_len);

/** Re-plans the session for other input shapes (same encoding as cnnrt_session_options: count shapes, ranks[i]
    dims each, read one after the other from dims). Plans are cached per shape, so switching back is cheap. */
CNNRT_API cnnrt_status cnnrt_session_set_input_shapes(cnnrt_session* session, size_t count,
                                                      const size_t* ranks, const int64_t* dims);

/** One input, one output, float32, caller-owned buffers; counts are element counts and must equal the planned
    sizes exactly (the product of cnnrt_session_input_shape / output_shape). Allocates nothing.
    Errors: INVALID_HANDLE, NULL_ARGUMENT, INVALID_ARGUMENT (wrong count, or the model has several inputs/outputs). */
CNNRT_API cnnrt_status cnnrt_session_run_f32(cnnrt_session* session, const float* input, size_t input_count,
                                             float* output, size_t output_count);

/** Any number of inputs and outputs: inputs[i] holds input_counts[i] floats of input i, outputs[j] receives
    output_counts[j] floats of output j. num_inputs / num_outputs must equal the model's. Allocates nothing. */
CNNRT_API cnnrt_status cnnrt_session_run(cnnrt_session* session,
                                         const float* const* inputs, const size_t* input_counts, size_t num_inputs,
                                         float* const* outputs, const size_t* output_counts, size_t num_outputs);

/* ---- utilities ---------------------------------------------------------------------------------------------- */

/** The indices of the k largest of count scores, best first (ties: lower index first; NaN ranks last), into
    out_indices[k]; out_probs (may be NULL) receives their softmax probabilities over all count scores.
    Errors: NULL_ARGUMENT, INVALID_ARGUMENT (count 0), OUT_OF_RANGE (k > count). Allocates nothing. */
CNNRT_API cnnrt_status cnnrt_top_k(const float* scores, size_t count, size_t k,
                                   size_t* out_indices, float* out_probs);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CNNRT_H */
