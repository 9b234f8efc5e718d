/*
 * camera_loop - classifies a stream of raw camera frames read from stdin, one line per frame, then a summary.
 *     rpicam-vid -t 0 --width 640 --height 480 --codec yuv420 -o - | camera_loop MODEL 640 480
 *     ffmpeg -i video.mp4 -f rawvideo -pix_fmt yuv420p - | camera_loop MODEL 640 480
 *     camera_loop MODEL WIDTH HEIGHT [--max-frames N] [--quiet]
 * Frames are planar I420 (YUV 4:2:0): a WIDTH x HEIGHT Y plane, then U and V planes of ceil(W/2) x ceil(H/2).
 * Only the Y (luma) plane is used: it is the gray image, resized (bilinear) and normalised to the model's input as in
 * sample_image.h (a 3-channel model gets the gray image on all three).
 * Per frame: number, label, softmax probability, inference latency (cnnrt_session_run_f32 alone) and the time of
 * the whole frame (preprocess + inference + top-1). Summary: frame count, p50/p99 inference latency, and frames per
 * second of processing (time spent waiting for stdin not counted). A last frame cut short (the producer stopped
 * mid-frame) is reported with its number and byte count and ends the stream; that is not an error (exit 0).
 * Exit status: 0 when the stream ended, 1 when the model cannot be used or a frame fails, 2 for bad arguments.
 */
#define _POSIX_C_SOURCE 199309L
#include "cnnrt.h"
#include "sample_image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_double(const void* a, const void* b)
{
    double x = *(const double*)a, y = *(const double*)b;
    return x < y ? -1 : x > y;
}

/* The value at rank p (0..1) of n sorted values, nearest-rank. */
static double percentile(const double* sorted, size_t n, double p)
{
    size_t k = (size_t)(p * n + 0.999999);
    if (k < 1) k = 1;
    if (k > n) k = n;
    return sorted[k - 1];
}

int main(int argc, char** argv)
{
    const char* model_path = NULL;
    long width = 0, height = 0, max_frames = -1;
    int quiet = 0, rc = 1, args = 0, i;
    cnnrt_model* model = NULL;
    cnnrt_session* session = NULL;
    sample_input_spec spec;
    unsigned char* frame = NULL;
    float *input = NULL, *output = NULL;
    double *latencies = NULL, busy_ms = 0;
    size_t frame_bytes, in_count, out_count = 1, frames = 0, capacity = 0, rank, k;
    int64_t dims[8];
    char err[512];

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--max-frames") && i + 1 < argc) max_frames = atol(argv[++i]);
        else if (!strcmp(argv[i], "--quiet")) quiet = 1;
        else if (args == 0) { model_path = argv[i]; args++; }
        else if (args == 1) { width = atol(argv[i]); args++; }
        else if (args == 2) { height = atol(argv[i]); args++; }
        else args = 99;
    }
    if (args != 3 || width <= 0 || height <= 0 || width > 16384 || height > 16384) {
        fprintf(stderr, "usage: camera_loop MODEL WIDTH HEIGHT [--max-frames N] [--quiet]   (I420 frames on stdin)\n");
        return 2;
    }
    frame_bytes = (size_t)width * height + 2 * (size_t)((width + 1) / 2) * ((height + 1) / 2);

    if (cnnrt_model_load_file(model_path, &model) != CNNRT_OK || cnnrt_session_create(model, NULL, &session) != CNNRT_OK) {
        fprintf(stderr, "camera_loop: %s\n", cnnrt_last_error());
        goto done;
    }
    if (sample_input_spec_read(model, session, &spec, err, sizeof err) != 0) {
        fprintf(stderr, "camera_loop: %s\n", err);
        goto done;
    }
    if (cnnrt_session_output_shape(session, 0, dims, 8, &rank) != CNNRT_OK) {
        fprintf(stderr, "camera_loop: %s\n", cnnrt_last_error());
        goto done;
    }
    for (k = 0; k < rank; k++) out_count *= (size_t)dims[k];
    in_count = (size_t)spec.channels * spec.height * spec.width;
    frame = (unsigned char*)malloc(frame_bytes);
    input = (float*)malloc(in_count * sizeof *input);
    output = (float*)malloc(out_count * sizeof *output);
    if (!frame || !input || !output) {
        fprintf(stderr, "camera_loop: out of memory\n");
        goto done;
    }
    fprintf(stderr, "camera_loop: %ldx%ld I420 frames (%zu bytes each) -> input %dx%dx%d\n", width, height, frame_bytes,
            spec.channels, spec.height, spec.width);

    rc = 0;
    while (max_frames < 0 || (long)frames < max_frames) {
        size_t got = fread(frame, 1, frame_bytes, stdin), best;
        double t0, t1, t2;
        float prob;
        char label[128];
        if (got == 0) break;
        if (got < frame_bytes) {
            fprintf(stderr, "camera_loop: frame %zu is truncated: %zu of %zu bytes; the stream ends there\n", frames + 1,
                    got, frame_bytes);
            break;
        }
        t0 = now_ms();
        sample_preprocess(frame, (int)width, (int)height, (int)width, 1, &spec, input);
        t1 = now_ms();
        if (cnnrt_session_run_f32(session, input, in_count, output, out_count) != CNNRT_OK) {
            fprintf(stderr, "camera_loop: frame %zu: %s\n", frames + 1, cnnrt_last_error());
            rc = 1;
            break;
        }
        t2 = now_ms();
        if (cnnrt_top_k(output, out_count, 1, &best, &prob) != CNNRT_OK) {
            fprintf(stderr, "camera_loop: frame %zu: %s\n", frames + 1, cnnrt_last_error());
            rc = 1;
            break;
        }
        if (frames == capacity) {
            size_t n = capacity ? capacity * 2 : 256;
            double* grown = (double*)realloc(latencies, n * sizeof *grown);
            if (!grown) {
                fprintf(stderr, "camera_loop: out of memory\n");
                rc = 1;
                break;
            }
            latencies = grown;
            capacity = n;
        }
        latencies[frames++] = t2 - t1;
        busy_ms += now_ms() - t0;
        if (!quiet) {
            sample_label(model, best, label, sizeof label);
            printf("frame %zu: %s %.3f (inference %.3f ms, frame %.3f ms)\n", frames, label, prob, t2 - t1, now_ms() - t0);
            fflush(stdout);
        }
    }

    if (ferror(stdin)) {
        fprintf(stderr, "camera_loop: reading stdin failed after frame %zu\n", frames);
        rc = 1;
    }
    if (frames > 0) {
        qsort(latencies, frames, sizeof *latencies, cmp_double);
        printf("summary: %zu frames, inference p50 %.3f ms, p99 %.3f ms, %.1f fps\n", frames,
               percentile(latencies, frames, 0.50), percentile(latencies, frames, 0.99), frames * 1000.0 / busy_ms);
    } else {
        printf("summary: 0 frames\n");
    }

done:
    free(frame);
    free(input);
    free(output);
    free(latencies);
    cnnrt_session_free(session);
    cnnrt_model_free(model);
    return rc;
}
