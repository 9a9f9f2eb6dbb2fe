// SPDX-License-Identifier: MIT
#include "static_subnet.h"

#include <ATen/ATen.h>

namespace dofa {

torch::Tensor FusedConv::forward(const torch::Tensor& x) const
{
    torch::Tensor y = at::conv2d(x, weight, bias, stride, padding, 1, groups);
    switch (act) {
        case Act::ReLU:
            return y.relu_();
        case Act::HSwish:
            return at::hardswish_(y);
        case Act::None:
            break;
    }
    return y;
}

torch::Tensor StaticBlock::forward(const torch::Tensor& x) const
{
    torch::Tensor y = expand ? expand->forward(x) : x;
    y = depthwise.forward(y);
    if (se) {
        // 1x1 convolutions on the pooled 1x1 map, run as matrix products (see head()).
        torch::Tensor s = y.mean({2, 3});
        s = at::linear(s, seReduceW.flatten(1), seReduceB).relu_();
        s = at::hardsigmoid(at::linear(s, seExpandW.flatten(1), seExpandB));
        y = y * s.unsqueeze(2).unsqueeze(3);
    }
    y = project.forward(y);
    if (shortcut) {
        y.add_(x);
    }
    return y;
}

torch::Tensor StaticSubnet::forward(const torch::Tensor& x) const
{
    torch::Tensor y = stem.forward(x);
    for (const StaticBlock& b : blocks) {
        y = b.forward(y);
    }
    return head(y, finalExpand, featureMixW, classifierW, classifierB);
}

torch::Tensor StaticSubnet::head(const torch::Tensor& features, const FusedConv& finalExpand,
                                 const torch::Tensor& featureMixW, const torch::Tensor& classifierW,
                                 const torch::Tensor& classifierB)
{
    torch::Tensor y = finalExpand.forward(features).mean({2, 3});
    y = at::hardswish(at::linear(y, featureMixW.flatten(1)));
    return at::linear(y, classifierW, classifierB);
}

namespace {

torch::Tensor moved(const torch::Tensor& t, const torch::Device& device)
{
    return t.defined() ? t.to(device) : t;
}

}  // namespace

FusedConv FusedConv::to(const torch::Device& device) const
{
    FusedConv c = *this;
    c.weight = moved(weight, device);
    c.bias = moved(bias, device);
    return c;
}

StaticBlock StaticBlock::to(const torch::Device& device) const
{
    StaticBlock b = *this;
    if (expand) {
        b.expand = expand->to(device);
    }
    b.depthwise = depthwise.to(device);
    b.project = project.to(device);
    b.seReduceW = moved(seReduceW, device);
    b.seReduceB = moved(seReduceB, device);
    b.seExpandW = moved(seExpandW, device);
    b.seExpandB = moved(seExpandB, device);
    return b;
}

StaticSubnet StaticSubnet::to(const torch::Device& device) const
{
    StaticSubnet n = *this;
    n.stem = stem.to(device);
    for (StaticBlock& b : n.blocks) {
        b = b.to(device);
    }
    n.finalExpand = finalExpand.to(device);
    n.featureMixW = moved(featureMixW, device);
    n.classifierW = moved(classifierW, device);
    n.classifierB = moved(classifierB, device);
    return n;
}

std::int64_t StaticSubnet::weightBytes() const
{
    std::int64_t bytes = 0;
    auto add = [&](const torch::Tensor& t) {
        if (t.defined()) {
            bytes += t.numel() * static_cast<std::int64_t>(t.element_size());
        }
    };
    auto addConv = [&](const FusedConv& c) {
        add(c.weight);
        add(c.bias);
    };
    addConv(stem);
    for (const StaticBlock& b : blocks) {
        if (b.expand) {
            addConv(*b.expand);
        }
        addConv(b.depthwise);
        addConv(b.project);
        add(b.seReduceW);
        add(b.seReduceB);
        add(b.seExpandW);
        add(b.seExpandB);
    }
    addConv(finalExpand);
    add(featureMixW);
    add(classifierW);
    add(classifierB);
    return bytes;
}

}  // namespace dofa
