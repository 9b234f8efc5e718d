// cnnrt.hpp - a header-only C++17 wrapper over the cnnrt C ABI (cnnrt.h).
//
//   cnnrt::model m = cnnrt::model::load_file("fashion_cnn.onnx");
//   cnnrt::session s(m);                                  // or s(m, cnnrt::session_options().threads(1))
//   std::vector<float> scores = s.run(input);             // input.size() == s.input_size(0)
//   for (auto [index, p] : cnnrt::top_k(scores, 3)) std::cout << m.labels()[index] << " " << p << "\n";
//
// Handles are move-only RAII objects (freed in the destructor). Every failure throws cnnrt::error, which carries the
// cnnrt_status and the library's message. Threads: as in cnnrt.h, a model may be shared by threads, a session is used
// by one thread at a time.
#ifndef CNNRT_HPP
#define CNNRT_HPP

#include "cnnrt.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace cnnrt {

/// A failed cnnrt call: status() is the cnnrt_status, what() the message from cnnrt_last_error().
class error : public std::runtime_error {
public:
    error(cnnrt_status status, const std::string& message)
        : std::runtime_error(message), status_(status) {}
    cnnrt_status status() const noexcept { return status_; }
    /// The status as its C name, like "CNNRT_ERROR_IO".
    const char* status_name() const noexcept { return cnnrt_status_string(status_); }

private:
    cnnrt_status status_;
};

namespace detail {

inline void check(cnnrt_status status)
{
    if (status != CNNRT_OK) throw error(status, cnnrt_last_error());
}

/// Calls f(buf, capacity, &len) twice: once for the length, once to copy.
template <class F>
std::string read_string(F f)
{
    size_t len = 0;
    cnnrt_status status = f(nullptr, 0, &len);
    if (status != CNNRT_OK && status != CNNRT_ERROR_BUFFER_TOO_SMALL) check(status);
    std::vector<char> buf(len + 1);
    check(f(buf.data(), buf.size(), &len));
    return std::string(buf.data(), len);
}

template <class F>
std::vector<int64_t> read_shape(F f)
{
    size_t rank = 0;
    cnnrt_status status = f(nullptr, 0, &rank);
    if (status != CNNRT_OK && status != CNNRT_ERROR_BUFFER_TOO_SMALL) check(status);
    std::vector<int64_t> dims(rank);
    check(f(dims.data(), dims.size(), &rank));
    return dims;
}

struct model_deleter {
    void operator()(cnnrt_model* m) const noexcept { cnnrt_model_free(m); }
};
struct session_deleter {
    void operator()(cnnrt_session* s) const noexcept { cnnrt_session_free(s); }
};

}  // namespace detail

inline uint32_t abi_version() noexcept { return cnnrt_abi_version(); }
inline std::string version() { return cnnrt_version_string(); }

/// Throws when the library's ABI is not the one this header describes.
inline void check_abi()
{
    if (cnnrt_abi_version() != CNNRT_ABI_VERSION)
        throw error(CNNRT_ERROR_UNSUPPORTED, "libcnnrt has ABI " + std::to_string(cnnrt_abi_version()) +
                                                 ", this program was built for " + std::to_string(CNNRT_ABI_VERSION));
}

/// A loaded model. Move-only; read-only, so one model may back sessions on several threads.
class model {
public:
    static model load_file(const std::string& path)
    {
        cnnrt_model* m = nullptr;
        detail::check(cnnrt_model_load_file(path.c_str(), &m));
        return model(m);
    }

    static model load_memory(const void* data, size_t size)
    {
        cnnrt_model* m = nullptr;
        detail::check(cnnrt_model_load_memory(data, size, &m));
        return model(m);
    }

    /// The metadata_props value for key, or nullopt when the model has none.
    std::optional<std::string> metadata(const std::string& key) const
    {
        size_t len = 0;
        cnnrt_status status = cnnrt_model_metadata(get(), key.c_str(), nullptr, 0, &len);
        if (status == CNNRT_ERROR_NOT_FOUND) return std::nullopt;
        return detail::read_string([&](char* b, size_t c, size_t* l) { return cnnrt_model_metadata(get(), key.c_str(), b, c, l); });
    }

    /// All metadata keys, in byte order.
    std::vector<std::string> metadata_keys() const
    {
        std::vector<std::string> keys;
        size_t n = cnnrt_model_metadata_count(get());
        for (size_t i = 0; i < n; i++)
            keys.push_back(detail::read_string([&](char* b, size_t c, size_t* l) { return cnnrt_model_metadata_key(get(), i, b, c, l); }));
        return keys;
    }

    /// The class labels (empty when the model has none).
    std::vector<std::string> labels() const
    {
        std::vector<std::string> result;
        size_t n = cnnrt_model_label_count(get());
        for (size_t i = 0; i < n; i++)
            result.push_back(detail::read_string([&](char* b, size_t c, size_t* l) { return cnnrt_model_label(get(), i, b, c, l); }));
        return result;
    }

    const cnnrt_model* get() const noexcept { return handle_.get(); }

private:
    explicit model(cnnrt_model* m) : handle_(m) {}
    std::unique_ptr<cnnrt_model, detail::model_deleter> handle_;
};

/// Options for a session; chain the setters.
class session_options {
public:
    session_options& threads(int n) { threads_ = n; return *this; }
    /// The shape of the next input (call once per input, in order); none = the model's declared shapes.
    session_options& input_shape(std::vector<int64_t> dims)
    {
        ranks_.push_back(dims.size());
        dims_.insert(dims_.end(), dims.begin(), dims.end());
        return *this;
    }

    cnnrt_session_options to_c() const
    {
        cnnrt_session_options o = CNNRT_SESSION_OPTIONS_INIT;
        o.threads = threads_;
        o.input_shape_count = ranks_.size();
        o.input_ranks = ranks_.empty() ? nullptr : ranks_.data();
        o.input_dims = dims_.empty() ? nullptr : dims_.data();
        return o;
    }

private:
    int threads_ = 0;
    std::vector<size_t> ranks_;
    std::vector<int64_t> dims_;
};

/// A model planned for fixed input shapes. Move-only; one thread at a time. Runs allocate nothing in the library.
class session {
public:
    explicit session(const model& m, const session_options& options = session_options())
    {
        cnnrt_session_options o = options.to_c();
        cnnrt_session* s = nullptr;
        detail::check(cnnrt_session_create(m.get(), &o, &s));
        handle_.reset(s);
    }

    size_t input_count() const { return count(cnnrt_session_input_count(get())); }
    size_t output_count() const { return count(cnnrt_session_output_count(get())); }

    std::vector<int64_t> input_shape(size_t i) const
    {
        return detail::read_shape([&](int64_t* d, size_t c, size_t* r) { return cnnrt_session_input_shape(get(), i, d, c, r); });
    }
    std::vector<int64_t> output_shape(size_t i) const
    {
        return detail::read_shape([&](int64_t* d, size_t c, size_t* r) { return cnnrt_session_output_shape(get(), i, d, c, r); });
    }
    std::string input_name(size_t i) const
    {
        return detail::read_string([&](char* b, size_t c, size_t* l) { return cnnrt_session_input_name(get(), i, b, c, l); });
    }
    std::string output_name(size_t i) const
    {
        return detail::read_string([&](char* b, size_t c, size_t* l) { return cnnrt_session_output_name(get(), i, b, c, l); });
    }
    /// Element counts.
    size_t input_size(size_t i) const { return product(input_shape(i)); }
    size_t output_size(size_t i) const { return product(output_shape(i)); }

    /// One input, one output, caller-owned buffers (element counts must match exactly).
    void run(const float* input, size_t input_count, float* output, size_t output_count)
    {
        detail::check(cnnrt_session_run_f32(get(), input, input_count, output, output_count));
    }

    /// One input, one output; returns the output.
    std::vector<float> run(const std::vector<float>& input)
    {
        std::vector<float> output(output_size(0));
        run(input.data(), input.size(), output.data(), output.size());
        return output;
    }

    /// Any number of inputs and outputs (outputs must be sized already).
    void run(const std::vector<std::vector<float>>& inputs, std::vector<std::vector<float>>& outputs)
    {
        std::vector<const float*> in;
        std::vector<size_t> in_n, out_n;
        std::vector<float*> out;
        for (auto& v : inputs) { in.push_back(v.data()); in_n.push_back(v.size()); }
        for (auto& v : outputs) { out.push_back(v.data()); out_n.push_back(v.size()); }
        detail::check(cnnrt_session_run(get(), in.data(), in_n.data(), in.size(), out.data(), out_n.data(), out.size()));
    }

    cnnrt_session* get() const noexcept { return handle_.get(); }

private:
    static size_t count(size_t n)
    {
        if (n == 0 && cnnrt_last_error()[0] != '\0') throw error(CNNRT_ERROR_INVALID_HANDLE, cnnrt_last_error());
        return n;
    }
    static size_t product(const std::vector<int64_t>& dims)
    {
        size_t n = 1;
        for (int64_t d : dims) n *= static_cast<size_t>(d);
        return n;
    }
    std::unique_ptr<cnnrt_session, detail::session_deleter> handle_;
};

/// The k best (index, softmax probability) pairs of scores, best first.
inline std::vector<std::pair<size_t, float>> top_k(const std::vector<float>& scores, size_t k)
{
    if (k > scores.size()) k = scores.size();
    std::vector<size_t> indices(k);
    std::vector<float> probs(k);
    detail::check(cnnrt_top_k(scores.data(), scores.size(), k, indices.data(), probs.data()));
    std::vector<std::pair<size_t, float>> result;
    for (size_t i = 0; i < k; i++) result.emplace_back(indices[i], probs[i]);
    return result;
}

}  // namespace cnnrt

#endif  // CNNRT_HPP
