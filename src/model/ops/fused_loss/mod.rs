//! The VAE's loss terms fused into single passes on burn's CPU device (Flex), with hand-written
//! gradients, through burn's backend-extension API; any other device composes burn's own ops.
//!
//! On Flex, every element-wise tensor op is a full pass over memory with an allocation, and its
//! gradient another: the Bernoulli reconstruction loss composed from burn's ops costs about a dozen
//! passes over the decoder's logits per step. Fused, it is one pass forward (the loss, and the
//! logits' gradient σ(z) − x kept for later) and one in place backward (scaling that gradient);
//! the Gaussian (MSE) and Laplace (L1) likelihoods around σ(z) are fused the same way.

mod extension;
mod kernels;
mod tensor_api;

pub use tensor_api::{bce_with_logits_rows, gaussian_kl_rows, scaled_error_rows};
#[cfg(test)]
use tensor_api::{composed_bce_with_logits_rows, composed_gaussian_kl_rows, composed_scaled_error_rows};

#[cfg(test)]
mod tests;
