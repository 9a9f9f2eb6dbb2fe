// SPDX-License-Identifier: MIT
#include "onnx_writer.h"

#include <stdexcept>
#include <vector>

#include <torch/torch.h>

#include "proto_writer.h"
#include "supernet/atomic_file.h"

namespace dofa {

namespace {

// Field numbers and enum values from onnx.proto (ONNX 1.8+, stable since).
namespace model {
constexpr int kIrVersion = 1, kProducerName = 2, kProducerVersion = 3, kDocString = 6, kGraph = 7,
              kOpsetImport = 8;
}
namespace opset {
constexpr int kVersion = 2;
}
namespace graph {
constexpr int kNode = 1, kName = 2, kInitializer = 5, kInput = 11, kOutput = 12;
}
namespace node {
constexpr int kInput = 1, kOutput = 2, kName = 3, kOpType = 4, kAttribute = 5;
}
namespace attr {
constexpr int kName = 1, kF = 2, kI = 3, kInts = 8, kType = 20;
constexpr int kTypeFloat = 1, kTypeInt = 2, kTypeInts = 7;
}  // namespace attr
namespace tensor {
constexpr int kDims = 1, kDataType = 2, kName = 8, kRawData = 9;
constexpr int kFloat = 1;
}  // namespace tensor
namespace valueinfo {
constexpr int kName = 1, kType = 2;
}
namespace type {
constexpr int kTensorType = 1, kElemType = 1, kShape = 2, kDim = 1, kDimValue = 1;
}

/// One attribute of a node, already encoded.
ProtoWriter intAttr(const std::string& name, std::int64_t v)
{
    ProtoWriter a;
    a.string(attr::kName, name).varint(attr::kType, attr::kTypeInt).varint(attr::kI, v);
    return a;
}

ProtoWriter floatAttr(const std::string& name, float v)
{
    ProtoWriter a;
    a.string(attr::kName, name).varint(attr::kType, attr::kTypeFloat).float32(attr::kF, v);
    return a;
}

ProtoWriter intsAttr(const std::string& name, const std::vector<std::int64_t>& v)
{
    ProtoWriter a;
    a.string(attr::kName, name).varint(attr::kType, attr::kTypeInts);
    // Unpacked, proto2's default for onnx.proto; every parser accepts it.
    for (std::int64_t x : v) {
        a.varint(attr::kInts, x);
    }
    return a;
}

ProtoWriter tensorValueInfo(const std::string& name, const std::vector<std::int64_t>& dims)
{
    ProtoWriter shape;
    for (std::int64_t d : dims) {
        ProtoWriter dim;
        dim.varint(type::kDimValue, d);
        shape.message(type::kDim, dim);
    }
    ProtoWriter tensorType;
    tensorType.varint(type::kElemType, tensor::kFloat).message(type::kShape, shape);
    ProtoWriter typeProto;
    typeProto.message(type::kTensorType, tensorType);
    ProtoWriter info;
    info.string(valueinfo::kName, name).message(valueinfo::kType, typeProto);
    return info;
}

/// Builds the GraphProto node by node; values get short unique names, weights descriptive
/// ones (they show up in Netron and in TensorRT's logs).
class GraphBuilder
{
public:
    std::string weight(const std::string& name, const torch::Tensor& t)
    {
        // raw_data is little-endian float32, the layout of every host dofa runs on.
        const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
        ProtoWriter w;
        for (std::int64_t d : c.sizes()) {
            w.varint(tensor::kDims, d);
        }
        w.varint(tensor::kDataType, tensor::kFloat).string(tensor::kName, name);
        w.bytes(tensor::kRawData, c.data_ptr<float>(),
                static_cast<std::size_t>(c.numel()) * sizeof(float));
        m_graph.message(graph::kInitializer, w);
        return name;
    }

    std::string node(const std::string& op, const std::vector<std::string>& inputs,
                     const std::vector<ProtoWriter>& attrs = {}, std::string output = {})
    {
        if (output.empty()) {
            output = "v" + std::to_string(m_next++);
        }
        ProtoWriter n;
        for (const std::string& in : inputs) {
            n.string(node::kInput, in);
        }
        n.string(node::kOutput, output)
            .string(node::kName, op + "_" + std::to_string(m_nodes++))
            .string(node::kOpType, op);
        for (const ProtoWriter& a : attrs) {
            n.message(node::kAttribute, a);
        }
        m_graph.message(graph::kNode, n);
        return output;
    }

    std::string conv(const std::string& x, const std::string& name, const torch::Tensor& w,
                     const torch::Tensor& b, int stride, int padding, int groups)
    {
        std::vector<std::string> inputs{x, weight(name + ".weight", w)};
        if (b.defined()) {
            inputs.push_back(weight(name + ".bias", b));
        }
        const std::int64_t k = w.size(2);
        return node(
            "Conv", inputs,
            {intsAttr("kernel_shape", {k, w.size(3)}), intsAttr("strides", {stride, stride}),
             intsAttr("pads", {padding, padding, padding, padding}), intsAttr("dilations", {1, 1}),
             intAttr("group", groups)});
    }

    std::string hsigmoid(const std::string& x)
    {
        // relu6(x + 3) / 6 == clamp(x / 6 + 1/2, 0, 1): one standard op, no HardSwish needed.
        return node("HardSigmoid", {x}, {floatAttr("alpha", 1.0f / 6.0f), floatAttr("beta", 0.5f)});
    }

    std::string hswish(const std::string& x) { return node("Mul", {x, hsigmoid(x)}); }

    std::string activate(const std::string& x, FusedConv::Act act)
    {
        switch (act) {
            case FusedConv::Act::ReLU:
                return node("Relu", {x});
            case FusedConv::Act::HSwish:
                return hswish(x);
            case FusedConv::Act::None:
                break;
        }
        return x;
    }

    std::string fused(const std::string& x, const std::string& name, const FusedConv& c)
    {
        return activate(conv(x, name, c.weight, c.bias, c.stride, c.padding, c.groups), c.act);
    }

    std::string block(const std::string& x, const std::string& name, const StaticBlock& b)
    {
        std::string y = b.expand ? fused(x, name + ".expand", *b.expand) : x;
        y = fused(y, name + ".depthwise", b.depthwise);
        if (b.se) {
            std::string s = node("GlobalAveragePool", {y});
            s = node("Relu", {conv(s, name + ".se.reduce", b.seReduceW, b.seReduceB, 1, 0, 1)});
            s = hsigmoid(conv(s, name + ".se.expand", b.seExpandW, b.seExpandB, 1, 0, 1));
            // The broadcast operand first: OpenCV 4.6's importer gives Mul(y, s) the shape of s.
            y = node("Mul", {s, y});
        }
        y = fused(y, name + ".project", b.project);
        return b.shortcut ? node("Add", {y, x}) : y;
    }

    ProtoWriter& graph() { return m_graph; }

private:
    ProtoWriter m_graph;
    int m_next = 0;
    int m_nodes = 0;
};

}  // namespace

OnnxWriter::OnnxWriter(int batch) : m_batch(batch)
{
    if (batch < 1) {
        throw std::invalid_argument("ONNX batch size must be positive, got " +
                                    std::to_string(batch));
    }
}

std::string OnnxWriter::serialize(const StaticSubnet& net, const std::string& docString) const
{
    if (!net.stem.weight.defined() || !net.classifierW.defined() || !net.featureMixW.defined()) {
        throw std::invalid_argument("cannot export an empty sub-network");
    }
    const std::int64_t channels = net.stem.weight.size(1);
    const std::int64_t classes = net.classifierW.size(0);
    const std::int64_t r = net.resolution();

    GraphBuilder g;
    std::string y = g.fused("input", "stem", net.stem);
    for (size_t i = 0; i < net.blocks.size(); ++i) {
        y = g.block(y, "blocks." + std::to_string(i), net.blocks[i]);
    }
    y = g.fused(y, "final_expand", net.finalExpand);
    y = g.node("GlobalAveragePool", {y});
    // StaticSubnet::head runs the feature mix as a matrix product; on the pooled 1x1 map a
    // 1x1 convolution is the same thing and keeps the graph in NCHW until the classifier.
    y = g.hswish(g.conv(y, "feature_mix", net.featureMixW, {}, 1, 0, 1));
    y = g.node("Flatten", {y}, {intAttr("axis", 1)});
    g.node("Gemm",
           {y, g.weight("classifier.weight", net.classifierW),
            g.weight("classifier.bias", net.classifierB)},
           {intAttr("transB", 1)}, "logits");

    ProtoWriter& graphProto = g.graph();
    graphProto.string(graph::kName, "dofa_" + net.arch().toString());
    graphProto.message(graph::kInput, tensorValueInfo("input", {m_batch, channels, r, r}));
    graphProto.message(graph::kOutput, tensorValueInfo("logits", {m_batch, classes}));

    ProtoWriter opsetId;
    opsetId.varint(opset::kVersion, kOpset);  // domain omitted: the default ai.onnx domain
    ProtoWriter m;
    m.varint(model::kIrVersion, kIrVersion)
        .string(model::kProducerName, "dofa")
        .string(model::kProducerVersion, DOFA_VERSION);
    if (!docString.empty()) {
        m.string(model::kDocString, docString);
    }
    m.message(model::kGraph, graphProto).message(model::kOpsetImport, opsetId);
    return m.data();
}

void OnnxWriter::write(const StaticSubnet& net, const std::string& path,
                       const std::string& docString) const
{
    const std::string bytes = serialize(net, docString);
    AtomicFile::save(path, bytes, "ONNX model");
}

}  // namespace dofa
