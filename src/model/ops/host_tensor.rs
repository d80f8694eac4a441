//! Reading and building burn CPU-device (Flex) tensors as host slices, for the backend extensions
//! that compute on host memory (the fused losses, the fused dense layer).

use std::borrow::Cow;

use burn::backend::flex::FlexTensor;
use burn::tensor::TensorData;

/// [rows, values per row] of a tensor whose first dimension is the row (values 1 for a vector).
pub fn rows_and_values(tensor: &FlexTensor) -> (usize, usize) {
    let dims = tensor.layout().shape().as_slice();
    let rows = dims.first().copied().unwrap_or(1);
    let values = dims.iter().skip(1).product::<usize>();
    (rows, values)
}

/// The tensor's values as one contiguous f32 slice, copied only when it is a strided view or of
/// another float type.
pub fn host_values(tensor: &FlexTensor) -> Cow<'_, [f32]> {
    if let Some(values) = tensor.as_slice::<f32>() {
        return Cow::Borrowed(values);
    }
    let data = tensor.clone().into_data().convert::<f32>();
    Cow::Owned(data.iter::<f32>().collect())
}

/// A host tensor of `shape` holding `values`.
pub fn host_tensor(values: Vec<f32>, shape: Vec<usize>) -> FlexTensor {
    FlexTensor::from_data(TensorData::new(values, shape))
}

/// `tensor` as an f32 tensor whose storage is exactly its values in row-major order, so
/// `storage_mut` edits its values in place (copied only when it is a view, shared or of another
/// float type; a fresh matrix product is none of these).
pub fn into_owned_values(tensor: FlexTensor) -> FlexTensor {
    let count = tensor.layout().shape().num_elements();
    let whole =
        tensor.as_slice::<f32>().is_some_and(|values| values.len() == count) && tensor.storage::<f32>().len() == count;
    if whole && tensor.is_unique() {
        return tensor;
    }
    let shape = tensor.layout().shape().as_slice().to_vec();
    host_tensor(host_values(&tensor).into_owned(), shape)
}
