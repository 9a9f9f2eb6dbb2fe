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
        torch::Tensor s = y.mean({2, 3}, /*keepdim=*/true);
        s = at::conv2d(s, seReduceW, seReduceB).relu_();
        s = at::hardsigmoid(at::conv2d(s, seExpandW, seExpandB));
        y = y * s;
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
    y = finalExpand.forward(y);
    y = y.mean({2, 3}, /*keepdim=*/true);
    y = at::hardswish(at::conv2d(y, featureMixW));
    y = y.flatten(1);
    return at::linear(y, classifierW, classifierB);
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
