#pragma once
// Poincaré-ball operations (curvature -c, c > 0) for HyperCore (hypercore.h), after Ganea, Bécigneul &
// Hofmann 2018 ("Hyperbolic Neural Networks") and Nickel & Kiela 2017 ("Poincaré Embeddings"). Every
// function works on the last dimension and broadcasts over the others. Points are kept strictly inside the
// ball (norm < 1/sqrt(c)) by project().
//
//   mobiusAdd(x, y) = ((1 + 2c<x,y> + c|y|^2) x + (1 - c|x|^2) y) / (1 + 2c<x,y> + c^2 |x|^2 |y|^2)
//   expMap0(v)      = tanh(sqrt(c)|v|) v / (sqrt(c)|v|)                 tangent space at 0 -> ball
//   logMap0(y)      = artanh(sqrt(c)|y|) y / (sqrt(c)|y|)               ball -> tangent space at 0
//   distance(x, y)  = (2 / sqrt(c)) artanh(sqrt(c) |(-x) (+) y|)        (+) = mobiusAdd
//   mobiusMatVec(M, x) = expMap0(logMap0(x) M^T)                        (M a Linear weight [out, in])
#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace fc::net::poincare {

torch::Tensor project(const torch::Tensor& x, double c = 1.0);
torch::Tensor mobiusAdd(const torch::Tensor& x, const torch::Tensor& y, double c = 1.0);
torch::Tensor expMap0(const torch::Tensor& v, double c = 1.0);
torch::Tensor logMap0(const torch::Tensor& y, double c = 1.0);
torch::Tensor distance(const torch::Tensor& x, const torch::Tensor& y, double c = 1.0);
torch::Tensor mobiusMatVec(const torch::Tensor& weight, const torch::Tensor& x, double c = 1.0);

// Nickel & Kiela's embedding of a graph's links into the ball (c = 1): for every link (u, v) and `negatives`
// random nodes v', the loss -log(exp(-d(u, v)) / sum over {v} and the v' of exp(-d(u, v'))), minimised by
// Riemannian SGD (the Euclidean gradient scaled by (1 - |x|^2)^2 / 4, then projected into the ball), the
// first tenth of the epochs at a tenth of the rate ("burn-in"). `points` [N, p] is updated in place; draws
// from LibTorch's generator. Returns the mean loss of the last epoch.
double fitEmbedding(torch::Tensor& points, const std::vector<std::int64_t>& from,
                    const std::vector<std::int64_t>& to, int epochs = 200, double learningRate = 0.3,
                    int negatives = 10);

} // namespace fc::net::poincare
