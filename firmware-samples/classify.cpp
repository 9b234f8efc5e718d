// classify - classify_image in C++17 with the RAII wrapper cnnrt.hpp.
//     classify MODEL IMAGE.pgm|IMAGE.ppm [--top K]
// Errors are cnnrt::error exceptions: printed with their status name, exit status 1.
#include "cnnrt.hpp"
#include "sample_image.h"

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv)
{
    std::vector<std::string> args;
    size_t top = 3;
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--top") && i + 1 < argc) top = std::stoul(argv[++i]);
        else args.emplace_back(argv[i]);
    }
    if (args.size() != 2 || top == 0) {
        std::cerr << "usage: classify MODEL IMAGE.pgm|IMAGE.ppm [--top K]\n";
        return 2;
    }

    try {
        cnnrt::check_abi();
        cnnrt::model model = cnnrt::model::load_file(args[0]);
        cnnrt::session session(model, cnnrt::session_options().threads(1));

        char err[512];
        sample_input_spec spec;
        if (sample_input_spec_read(model.get(), session.get(), &spec, err, sizeof err) != 0) {
            std::cerr << "classify: " << err << "\n";
            return 1;
        }
        sample_image img{};
        if (sample_read_pnm(args[1].c_str(), &img, err, sizeof err) != 0) {
            std::cerr << "classify: " << err << "\n";
            return 1;
        }
        std::vector<float> input(session.input_size(0));
        sample_preprocess(img.pixels, img.width, img.height, img.width * img.channels, img.channels, &spec, input.data());
        sample_image_free(&img);

        std::vector<float> scores = session.run(input);
        std::vector<std::string> labels = model.labels();
        int rank = 1;
        for (auto [index, p] : cnnrt::top_k(scores, top)) {
            std::string label = index < labels.size() ? labels[index] : "class " + std::to_string(index);
            std::printf("%d. %s %.4f\n", rank++, label.c_str(), p);
        }
        return 0;
    } catch (const cnnrt::error& e) {
        std::cerr << "classify: " << e.status_name() << ": " << e.what() << "\n";
        return 1;
    }
}
