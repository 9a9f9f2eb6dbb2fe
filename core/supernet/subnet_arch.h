// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "supernet_spec.h"

namespace dofa {

/// One sub-network of a supernet: per elastic block kernel size and expand ratio, per stage
/// depth, and the input resolution. Values of skipped blocks (beyond a stage's depth) carry
/// no meaning; canonical() sets them to 0 so that equal networks compare equal.
///
/// Text form (canonical, what the CLI and profiles use): `r32-k55.3.555.5-e44.2.444.4`:
/// resolution, then per stage the kernel digits and the expand digits of its active blocks,
/// stages separated by dots; a stage's depth is the number of its digits.
struct SubnetArch
{
    std::vector<int> ks;  ///< per elastic block (numElasticBlocks)
    std::vector<int> e;   ///< per elastic block
    std::vector<int> d;   ///< per stage
    int r = 0;            ///< input resolution

    /// Largest and smallest sub-networks of the spec.
    static SubnetArch max(const SupernetSpec& spec);
    static SubnetArch min(const SupernetSpec& spec);
    /// Uniform sample over the given choices (defaults: the spec's own lists).
    static SubnetArch sample(const SupernetSpec& spec, std::mt19937& rng);
    static SubnetArch sample(const SupernetSpec& spec, std::mt19937& rng,
                             const std::vector<int>& ksChoices, const std::vector<int>& eChoices,
                             const std::vector<int>& dChoices, const std::vector<int>& rChoices);

    /// Parses the text form; `max`, `min` and OFA's JSON form (text starting with '{', see
    /// fromJson) are accepted too, so every command that takes an arch takes all three. Throws
    /// std::invalid_argument with a message that says what is wrong where.
    static SubnetArch parse(const std::string& text, const SupernetSpec& spec);
    [[nodiscard]] std::string toString() const;

    /// OFA-style JSON: {"ks":[..],"e":[..],"d":[..],"r":N}; "r" may also be [N].
    [[nodiscard]] QJsonObject toJson() const;
    static SubnetArch fromJson(const QJsonObject& json, const SupernetSpec& spec);

    /// Empty when valid for `spec`, else a message naming the first bad field.
    [[nodiscard]] std::string validate(const SupernetSpec& spec) const;
    /// Skipped blocks zeroed.
    [[nodiscard]] SubnetArch canonical(const SupernetSpec& spec) const;
    [[nodiscard]] bool isActive(const SupernetSpec& spec, int block) const;

    /// Multiply-accumulates of one forward pass, counted as OFA's count_flops_given_config
    /// (convolutions and linear layers, no bias, BN or activation).
    [[nodiscard]] std::int64_t macs(const SupernetSpec& spec) const;
    /// Parameters of the extracted sub-network (before BN folding).
    [[nodiscard]] std::int64_t params(const SupernetSpec& spec) const;

    bool operator==(const SubnetArch& o) const
    {
        return ks == o.ks && e == o.e && d == o.d && r == o.r;
    }
    bool operator!=(const SubnetArch& o) const { return !(*this == o); }
};

}  // namespace dofa
