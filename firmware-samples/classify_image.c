/*
 * classify_image - classifies a PGM/PPM image with a model through the cnnrt C ABI and prints the top labels.
 *     classify_image MODEL IMAGE [--top K]
 * The image is converted to the model's input (gray or RGB, bilinear resize, input_scale/mean/std from the model's
 * metadata; see sample_image.h). Prints one line per label: rank, label, softmax probability.
 * Exit status: 0 on success, 1 when the model or the image cannot be used, 2 for bad arguments.
 */
#include "cnnrt.h"
#include "sample_image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv)
{
    const char *model_path = NULL, *image_path = NULL;
    size_t top = 3, out_count = 0, in_count, i;
    cnnrt_model* model = NULL;
    cnnrt_session* session = NULL;
    sample_image img = {0, 0, 0, NULL};
    sample_input_spec spec;
    float *input = NULL, *output = NULL, probs[16];
    size_t indices[16];
    int64_t dims[8];
    size_t rank;
    char err[512];
    int rc = 1;

    for (i = 1; i < (size_t)argc; i++) {
        if (!strcmp(argv[i], "--top") && i + 1 < (size_t)argc) top = (size_t)strtoul(argv[++i], NULL, 10);
        else if (!model_path) model_path = argv[i];
        else if (!image_path) image_path = argv[i];
        else model_path = NULL;
    }
    if (!model_path || !image_path || top < 1 || top > 16) {
        fprintf(stderr, "usage: classify_image MODEL IMAGE.pgm|IMAGE.ppm [--top K (1..16)]\n");
        return 2;
    }
    if (cnnrt_abi_version() != CNNRT_ABI_VERSION) {
        fprintf(stderr, "classify_image: libcnnrt has ABI %u, this program was built for %u\n", cnnrt_abi_version(), CNNRT_ABI_VERSION);
        return 1;
    }

    if (cnnrt_model_load_file(model_path, &model) != CNNRT_OK || cnnrt_session_create(model, NULL, &session) != CNNRT_OK) {
        fprintf(stderr, "classify_image: %s\n", cnnrt_last_error());
        goto done;
    }
    if (sample_input_spec_read(model, session, &spec, err, sizeof err) != 0 ||
        sample_read_pnm(image_path, &img, err, sizeof err) != 0) {
        fprintf(stderr, "classify_image: %s\n", err);
        goto done;
    }
    if (cnnrt_session_output_shape(session, 0, dims, 8, &rank) != CNNRT_OK) {
        fprintf(stderr, "classify_image: %s\n", cnnrt_last_error());
        goto done;
    }
    for (out_count = 1, i = 0; i < rank; i++) out_count *= (size_t)dims[i];
    in_count = (size_t)spec.channels * spec.height * spec.width;
    input = (float*)malloc(in_count * sizeof *input);
    output = (float*)malloc(out_count * sizeof *output);
    if (!input || !output) {
        fprintf(stderr, "classify_image: out of memory\n");
        goto done;
    }

    sample_preprocess(img.pixels, img.width, img.height, img.width * img.channels, img.channels, &spec, input);
    if (cnnrt_session_run_f32(session, input, in_count, output, out_count) != CNNRT_OK ||
        cnnrt_top_k(output, out_count, top < out_count ? top : out_count, indices, probs) != CNNRT_OK) {
        fprintf(stderr, "classify_image: %s\n", cnnrt_last_error());
        goto done;
    }
    printf("%s: %dx%d %s -> input %dx%dx%d\n", image_path, img.width, img.height, img.channels == 1 ? "gray" : "RGB",
           spec.channels, spec.height, spec.width);
    for (i = 0; i < top && i < out_count; i++) {
        char label[128];
        sample_label(model, indices[i], label, sizeof label);
        printf("%zu. %s %.4f\n", i + 1, label, probs[i]);
    }
    rc = 0;

done:
    free(input);
    free(output);
    sample_image_free(&img);
    cnnrt_session_free(session);
    cnnrt_model_free(model);
    return rc;
}
