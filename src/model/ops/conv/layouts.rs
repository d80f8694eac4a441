//! The batch-major ↔ channel-major copies around the host convolution's matrix products, and the
//! per-channel sums that are the bias gradient. Plain slices in, plain slices out.

/// [channels, images·positions] → `output` [images, channels, positions], adding `bias[c]` to
/// channel c (nothing where `bias` is shorter).
pub fn to_batch_major_into(values: &[f32], channels: usize, positions: usize, bias: &[f32], output: &mut [f32]) {
    let columns = values.len() / channels.max(1);
    for (index, map) in output.chunks_mut(positions.max(1)).enumerate() {
        let (image, channel) = (index / channels, index % channels);
        let start = channel * columns + image * positions;
        let shift = bias.get(channel).copied().unwrap_or(0.0);
        map.iter_mut().zip(&values[start..start + positions]).for_each(|(t, v)| *t = v + shift);
    }
}

/// `values` [images, channels, positions] → `output` [channels, images·positions].
pub fn to_channel_major_into(values: &[f32], channels: usize, positions: usize, output: &mut [f32]) {
    let columns = values.len() / channels.max(1);
    if columns == 0 {
        return;
    }
    for (channel, row) in output.chunks_mut(columns).enumerate() {
        for (image, target) in row.chunks_mut(positions.max(1)).enumerate() {
            let start = (image * channels + channel) * positions;
            target.copy_from_slice(&values[start..start + positions]);
        }
    }
}

/// Adds each channel's sum over the images and positions of `values` ([images, channels,
/// positions]) into `sums` (one per channel).
pub fn add_channel_sums(values: &[f32], channels: usize, positions: usize, sums: &mut [f64]) {
    for (index, map) in values.chunks(positions.max(1)).enumerate() {
        if let Some(sum) = sums.get_mut(index % channels.max(1)) {
            *sum += sum_f64(map);
        }
    }
}

/// The sum of `values` in f64, over eight independent running sums (one chain of dependent adds
/// ran at one add per four cycles: a tenth of a 64×64 conv step went to the bias gradients).
fn sum_f64(values: &[f32]) -> f64 {
    let mut lanes = [0.0f64; 8];
    let chunks = values.chunks_exact(8);
    let rest = chunks.remainder().iter().map(|&v| f64::from(v)).sum::<f64>();
    for chunk in chunks {
        lanes.iter_mut().zip(chunk).for_each(|(lane, &value)| *lane += f64::from(value));
    }
    lanes.iter().sum::<f64>() + rest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_and_layouts_match_plain_loops() {
        let (batch, channels, positions) = (3, 2, 13);
        let values: Vec<f32> =
            (0..batch * channels * positions).map(|index| (index % 17) as f32 * 0.25 - 1.0).collect();
        let plain: Vec<f32> = (0..channels)
            .map(|channel| {
                let maps = (0..batch).flat_map(|image| {
                    let start = (image * channels + channel) * positions;
                    values[start..start + positions].iter()
                });
                maps.map(|&v| f64::from(v)).sum::<f64>() as f32
            })
            .collect();
        let mut sums = vec![0.0f64; channels];
        add_channel_sums(&values, channels, positions, &mut sums);
        assert_eq!(sums.iter().map(|&sum| sum as f32).collect::<Vec<_>>(), plain);
        let mut rows = vec![f32::NAN; values.len()];
        to_channel_major_into(&values, channels, positions, &mut rows);
        let mut back = vec![0.0; values.len()];
        to_batch_major_into(&rows, channels, positions, &[], &mut back);
        assert_eq!(back, values);
    }
}
