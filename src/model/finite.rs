//! Whether a model's weights are all finite: a diverged run leaves NaN or infinity behind, and
//! such a model must be neither shown, saved nor loaded.

use burn::module::{ModuleVisitor, Param};
use burn::prelude::*;

use super::Vae;

impl Vae {
    /// True when every weight is a finite number (no NaN, no infinity).
    ///
    /// One reduction per parameter on the model's own device and a one-value read-back each:
    /// cheap enough for every save, load and published snapshot.
    pub fn is_finite(&self) -> bool {
        all_weights_finite(self)
    }
}

/// True when every float parameter of `module` is finite (one reduction and read-back each).
pub fn all_weights_finite<M: Module>(module: &M) -> bool {
    let mut check = FiniteCheck { all_finite: true };
    module.visit(&mut check);
    check.all_finite
}

/// Visits float parameters until one holds a non-finite value.
struct FiniteCheck {
    all_finite: bool,
}

impl ModuleVisitor for FiniteCheck {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if self.all_finite {
            // A value that cannot be read back counts as not finite: refuse rather than guess.
            self.all_finite = param.val().is_finite().all().try_into_scalar::<bool>().unwrap_or(false);
        }
    }
}

#[cfg(test)]
mod tests {
    use burn::module::ModuleMapper;

    use super::*;
    use crate::model::VaeConfig;

    /// Puts `value` into the first element of every parameter.
    struct Poison {
        value: f32,
    }

    impl ModuleMapper for Poison {
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
            let value = self.value;
            param.map(|tensor| {
                let shape = tensor.shape();
                let mut values: Vec<f32> = tensor.to_data().try_to_vec().expect("f32 weights");
                values[0] = value;
                Tensor::from_data(TensorData::new(values, shape), &tensor.device())
            })
        }
    }

    #[test]
    fn fresh_weights_are_finite_and_nan_or_infinity_is_caught() {
        let model = VaeConfig::new().init(&Device::flex());
        assert!(model.is_finite());
        for value in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            let poisoned = model.clone().map(&mut Poison { value });
            assert!(!poisoned.is_finite(), "{value} not caught");
        }
    }
}
