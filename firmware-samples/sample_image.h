/*
 * sample_image.h - what the samples share, header-only C (also compiles as C++): reading PGM/PPM files, and turning
 * 8-bit pixels into a model input the way cnnrt's C# ImagePreprocessor does:
 *   1. channels: RGB -> gray with ITU-R BT.601 luma (0.299 R + 0.587 G + 0.114 B, in float); gray -> RGB replicates;
 *   2. size: bilinear resize with half-pixel centres (OpenCV INTER_LINEAR / PyTorch align_corners=False), in float,
 *      when the image size differs from the model's; an exact copy when equal;
 *   3. value = (pixel * input_scale - mean[c]) / std[c], with input_scale, mean and std from the model's metadata
 *      (defaults 1/255, 0, 1). The output is NCHW, batch 1.
 */
#ifndef CNNRT_SAMPLE_IMAGE_H
#define CNNRT_SAMPLE_IMAGE_H

#include "cnnrt.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** An 8-bit image, channels 1 (gray) or 3 (RGB), rows top to bottom, pixels interleaved. */
typedef struct sample_image {
    int width, height, channels;
    unsigned char* pixels;
} sample_image;

/** How a model wants its input: [1, channels, height, width] and the normalisation. */
typedef struct sample_input_spec {
    int channels, height, width;
    float scale;
    float mean[3], std[3];
} sample_input_spec;

static inline void sample_image_free(sample_image* img)
{
    free(img->pixels);
    img->pixels = NULL;
}

/* ---- PNM (netpbm) reading: P2/P5 gray and P3/P6 RGB, maxval 1..65535 (scaled to 8 bits) ---------------------- */

/* Skips whitespace and '#' comments; returns the next byte (not consumed) or EOF. */
static inline int sample_pnm_skip(FILE* f)
{
    int c;
    for (;;) {
        c = fgetc(f);
        if (c == '#') {
            while (c != '\n' && c != '\r' && c != EOF) c = fgetc(f);
        } else if (c == EOF || !isspace(c)) {
            break;
        }
    }
    if (c != EOF) ungetc(c, f);
    return c;
}

/* Reads a decimal number (at most 65535); returns -1 when there is none. */
static inline long sample_pnm_number(FILE* f)
{
    long v = 0;
    int c, digits = 0;
    if (sample_pnm_skip(f) == EOF) return -1;
    while ((c = fgetc(f)) != EOF && isdigit(c)) {
        v = v * 10 + (c - '0');
        if (v > 65535) return -1;
        digits++;
    }
    if (c != EOF) ungetc(c, f);
    return digits ? v : -1;
}

/**
 * Reads a PGM (P2, P5) or PPM (P3, P6) file. Returns 0 on success; otherwise -1 with a message in err.
 * Never reads past what the header promises; a file shorter than that is reported as truncated.
 */
static inline int sample_read_pnm(const char* path, sample_image* img, char* err, size_t errlen)
{
    FILE* f;
    char magic[2];
    long w, h, maxval;
    int channels, ascii;
    size_t count, i;

    memset(img, 0, sizeof *img);
    f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open", path);
        return -1;
    }
    if (fread(magic, 1, 2, f) != 2 || magic[0] != 'P' || !strchr("2356", magic[1])) {
        snprintf(err, errlen, "%s: not a PGM/PPM file (P2, P3, P5 or P6)", path);
        fclose(f);
        return -1;
    }
    channels = (magic[1] == '3' || magic[1] == '6') ? 3 : 1;
    ascii = magic[1] == '2' || magic[1] == '3';
    w = sample_pnm_number(f);
    h = sample_pnm_number(f);
    maxval = sample_pnm_number(f);
    if (w <= 0 || h <= 0 || maxval <= 0 || w * h > 64L * 1024 * 1024) {
        snprintf(err, errlen, "%s: bad header (width %ld, height %ld, maxval %ld)", path, w, h, maxval);
        fclose(f);
        return -1;
    }
    if (!ascii) {
        int c = fgetc(f); /* exactly one whitespace byte ends the header of a binary file */
        if (c == EOF || !isspace(c)) {
            snprintf(err, errlen, "%s: bad header (no whitespace after maxval)", path);
            fclose(f);
            return -1;
        }
    }
    count = (size_t)w * (size_t)h * (size_t)channels;
    img->pixels = (unsigned char*)malloc(count);
    if (!img->pixels) {
        snprintf(err, errlen, "%s: out of memory", path);
        fclose(f);
        return -1;
    }
    for (i = 0; i < count; i++) {
        long v;
        if (ascii) {
            v = sample_pnm_number(f);
        } else if (maxval < 256) {
            int c = fgetc(f);
            v = c == EOF ? -1 : c;
        } else {
            int hi = fgetc(f), lo = fgetc(f);
            v = (hi == EOF || lo == EOF) ? -1 : (hi << 8 | lo);
        }
        if (v < 0) {
            snprintf(err, errlen, "%s: truncated: %zu of %zu samples present", path, i, count);
            sample_image_free(img);
            fclose(f);
            return -1;
        }
        if (v > maxval) v = maxval;
        img->pixels[i] = (unsigned char)((v * 255 + maxval / 2) / maxval);
    }
    fclose(f);
    img->width = (int)w;
    img->height = (int)h;
    img->channels = channels;
    return 0;
}

/* ---- the model's input --------------------------------------------------------------------------------------- */

/* Parses "0.5" or "0.485,0.456,0.406" into out[0..2] (one value fills all three); 0 on success. */
static inline int sample_parse_floats(const char* text, float out[3])
{
    int n = 0;
    const char* p = text;
    while (*p && n < 3) {
        char* end;
        double v = strtod(p, &end);
        if (end == p) return -1;
        out[n++] = (float)v;
        p = end;
        while (*p == ' ') p++;
        if (*p == ',') p++;
        else if (*p) return -1;
    }
    if (n == 0 || *p) return -1;
    if (n == 1) out[1] = out[2] = out[0];
    else if (n == 2) return -1;
    return 0;
}

/** Reads input 0's shape ([1, C, H, W], C 1 or 3) from the session and the normalisation from the model. */
static inline int sample_input_spec_read(const cnnrt_model* model, const cnnrt_session* session, sample_input_spec* spec,
                                  char* err, size_t errlen)
{
    int64_t dims[8];
    size_t rank = 0, len = 0;
    char buf[256];
    int c;

    if (cnnrt_session_input_shape(session, 0, dims, 8, &rank) != CNNRT_OK) {
        snprintf(err, errlen, "%s", cnnrt_last_error());
        return -1;
    }
    if (rank != 4 || dims[0] != 1 || (dims[1] != 1 && dims[1] != 3)) {
        snprintf(err, errlen, "the model input is not an image [1, 1 or 3, H, W] (rank %zu)", rank);
        return -1;
    }
    spec->channels = (int)dims[1];
    spec->height = (int)dims[2];
    spec->width = (int)dims[3];
    spec->scale = 1.0f / 255.0f;
    for (c = 0; c < 3; c++) {
        spec->mean[c] = 0.0f;
        spec->std[c] = 1.0f;
    }
    if (cnnrt_model_metadata(model, "input_scale", buf, sizeof buf, &len) == CNNRT_OK) {
        float s[3];
        if (sample_parse_floats(buf, s) == 0) spec->scale = s[0];
    }
    if (cnnrt_model_metadata(model, "mean", buf, sizeof buf, &len) == CNNRT_OK && sample_parse_floats(buf, spec->mean) != 0) {
        snprintf(err, errlen, "model metadata mean = '%s' is not 1 or 3 numbers", buf);
        return -1;
    }
    if (cnnrt_model_metadata(model, "std", buf, sizeof buf, &len) == CNNRT_OK && sample_parse_floats(buf, spec->std) != 0) {
        snprintf(err, errlen, "model metadata std = '%s' is not 1 or 3 numbers", buf);
        return -1;
    }
    for (c = 0; c < 3; c++) {
        if (spec->std[c] == 0.0f) {
            snprintf(err, errlen, "model metadata std has a zero");
            return -1;
        }
    }
    return 0;
}

/* The value of output channel c at source pixel p (interleaved, src_channels per pixel). */
static inline float sample_fetch(const unsigned char* p, int src_channels, int dst_channels, int c)
{
    if (src_channels == dst_channels) return p[c];
    if (src_channels == 1) return p[0];
    return 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
}

/* Source index pair and weight for output coordinate d of dst along an axis of src (half-pixel centres). */
static inline void sample_axis(int d, int src, int dst, int* i0, int* i1, float* w1)
{
    double s = (d + 0.5) * ((double)src / dst) - 0.5;
    int a;
    if (s < 0) s = 0;
    a = (int)s;
    if (a >= src - 1) {
        *i0 = *i1 = src - 1;
        *w1 = 0.0f;
    } else {
        *i0 = a;
        *i1 = a + 1;
        *w1 = (float)(s - a);
    }
}

/**
 * Writes the model input for an 8-bit image (width x height, src_channels 1 or 3 interleaved, stride bytes per row)
 * into out[spec->channels * spec->height * spec->width].
 */
static inline void sample_preprocess(const unsigned char* pixels, int width, int height, int stride, int src_channels,
                              const sample_input_spec* spec, float* out)
{
    int dc = spec->channels, hw = spec->height * spec->width, x, y, c;
    for (y = 0; y < spec->height; y++) {
        int y0, y1;
        float wy1, wy0;
        sample_axis(y, height, spec->height, &y0, &y1, &wy1);
        wy0 = 1.0f - wy1;
        for (x = 0; x < spec->width; x++) {
            int x0, x1;
            float wx1, wx0;
            sample_axis(x, width, spec->width, &x0, &x1, &wx1);
            wx0 = 1.0f - wx1;
            for (c = 0; c < dc; c++) {
                float v;
                if (width == spec->width && height == spec->height) {
                    v = sample_fetch(pixels + (size_t)y * stride + (size_t)x * src_channels, src_channels, dc, c);
                } else {
                    const unsigned char* r0 = pixels + (size_t)y0 * stride;
                    const unsigned char* r1 = pixels + (size_t)y1 * stride;
                    v = wy0 * (wx0 * sample_fetch(r0 + x0 * src_channels, src_channels, dc, c) +
                               wx1 * sample_fetch(r0 + x1 * src_channels, src_channels, dc, c)) +
                        wy1 * (wx0 * sample_fetch(r1 + x0 * src_channels, src_channels, dc, c) +
                               wx1 * sample_fetch(r1 + x1 * src_channels, src_channels, dc, c));
                }
                out[c * hw + y * spec->width + x] = (v * spec->scale - spec->mean[c]) / spec->std[c];
            }
        }
    }
}

/** Copies class label index into buf ("class N" when the model has no labels). */
static inline void sample_label(const cnnrt_model* model, size_t index, char* buf, size_t capacity)
{
    size_t len;
    if (cnnrt_model_label(model, index, buf, capacity, &len) != CNNRT_OK) snprintf(buf, capacity, "class %zu", index);
}

#endif /* CNNRT_SAMPLE_IMAGE_H */
