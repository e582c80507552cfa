#pragma once
// Precompiled for every source under model/src/torch/. Only the torch parts the model code uses.
#include <torch/nn.h>
#include <torch/optim.h>
#include <torch/serialize.h>
#include <torch/types.h>
#include <torch/utils.h>
