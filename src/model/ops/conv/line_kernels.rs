//! The innermost loops of im2col and col2im: one line of a map gathered into, or added back from,
//! one row segment of the column matrix. Stride 1 and 2 are written so the compiler vectorises
//! them (contiguous slices and pairs, no `step_by`); other strides take the plain loop. The
//! stride-2 kernels of 3 and 4 taps (the conv model's stages) are added back a whole row at a time.

/// `target[j] = line[start + j·stride]` for every j of `target`.
pub fn gather(target: &mut [f32], line: &[f32], start: usize, stride: usize) {
    let count = target.len();
    let Some(last) = count.checked_sub(1) else {
        return;
    };
    match stride {
        1 => target.copy_from_slice(&line[start..start + count]),
        2 => {
            let (body, tail) = target.split_at_mut(last);
            let pairs = line[start..start + 2 * last].chunks_exact(2);
            body.iter_mut().zip(pairs).for_each(|(value, pair)| *value = pair[0]);
            tail[0] = line[start + 2 * last];
        }
        _ => target.iter_mut().zip(line[start..].iter().step_by(stride)).for_each(|(value, source)| *value = *source),
    }
}

/// `line[start + j·stride] += values[j]` for every j of `values`.
pub fn scatter_add(line: &mut [f32], start: usize, stride: usize, values: &[f32]) {
    let count = values.len();
    let Some(last) = count.checked_sub(1) else {
        return;
    };
    match stride {
        1 => line[start..start + count].iter_mut().zip(values).for_each(|(target, value)| *target += value),
        2 => {
            let pairs = line[start..start + 2 * last].chunks_exact_mut(2);
            pairs.zip(&values[..last]).for_each(|(pair, value)| pair[0] += value);
            line[start + 2 * last] += values[last];
        }
        _ => line[start..].iter_mut().step_by(stride).zip(values).for_each(|(target, value)| *target += value),
    }
}

/// Adds back into `line` (one row of a map, `2·n − 1` or `2·n` wide) the three taps of a 3-wide
/// kernel with stride 2 and padding 1, each an `n`-long row segment: position 2q takes the middle
/// tap of output q, position 2q + 1 the right tap of q and the left tap of q + 1.
pub fn add_three_taps_stride_two(line: &mut [f32], [left, middle, right]: [&[f32]; 3]) {
    let Some(last) = middle.len().checked_sub(1) else {
        return;
    };
    let (body, tail) = line.split_at_mut(2 * last);
    let taps = middle[..last].iter().zip(&right[..last]).zip(&left[1..]);
    for (pair, ((middle, right), left)) in body.chunks_exact_mut(2).zip(taps) {
        pair[0] += middle;
        // Left before right, as three scatters tap by tap would add them (the same rounding).
        pair[1] = pair[1] + left + right;
    }
    tail[0] += middle[last];
    if let Some(odd) = tail.get_mut(1) {
        *odd += right[last];
    }
}

/// Gathers from `line` (one row of a map, `2·n` wide) the row segments of the four taps of a
/// 4-wide kernel with stride 2 and padding 1, each `n` long: tap t of output q reads position
/// 2q + t − 1. The two entries that read the padding (tap 0 of output 0, tap 3 of output n − 1)
/// are left as they are.
pub fn gather_four_taps_stride_two(line: &[f32], [first, second, third, fourth]: [&mut [f32]; 4]) {
    let count = second.len();
    if count == 0 {
        return;
    }
    for (((pair, second), third), first) in
        line.chunks_exact(2).zip(second.iter_mut()).zip(third.iter_mut()).zip(first[1..].iter_mut())
    {
        (*second, *third, *first) = (pair[0], pair[1], pair[1]);
    }
    second[count - 1] = line[2 * count - 2];
    third[count - 1] = line[2 * count - 1];
    for (pair, fourth) in line[2..].chunks_exact(2).zip(fourth.iter_mut()) {
        *fourth = pair[0];
    }
}

/// Adds back into `line` (one row of a map, `2·n` wide) the four taps of a 4-wide kernel with
/// stride 2 and padding 1, each an `n`-long row segment: position 2q takes tap 1 of output q and
/// tap 3 of q − 1, position 2q + 1 tap 0 of q + 1 and tap 2 of q.
pub fn add_four_taps_stride_two(line: &mut [f32], [first, second, third, fourth]: [&[f32]; 4]) {
    let Some(last) = second.len().checked_sub(1) else {
        return;
    };
    // Each sum in tap order, as four scatters tap by tap would add them (the same rounding).
    line[0] += second[0];
    if last == 0 {
        line[1] += third[0];
        return;
    }
    line[1] = line[1] + first[1] + third[0];
    let inner = second[1..last].iter().zip(&fourth[..last - 1]).zip(&first[2..=last]).zip(&third[1..last]);
    for (pair, (((second, fourth), first), third)) in line[2..2 * last].chunks_exact_mut(2).zip(inner) {
        pair[0] = pair[0] + second + fourth;
        pair[1] = pair[1] + first + third;
    }
    line[2 * last] = line[2 * last] + second[last] + fourth[last - 1];
    line[2 * last + 1] += third[last];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(count: usize, from: f32) -> Vec<f32> {
        (0..count).map(|index| from + index as f32).collect()
    }

    #[test]
    fn gather_and_scatter_add_visit_every_stride_th_value() {
        let line = ramp(11, 0.0);
        for stride in 1..=3 {
            for start in 0..3 {
                let count = (11usize - start).div_ceil(stride);
                let mut target = vec![-1.0; count];
                gather(&mut target, &line, start, stride);
                let expected: Vec<f32> = (0..count).map(|j| line[start + j * stride]).collect();
                assert_eq!(target, expected, "gather stride {stride} start {start}");
                let mut sums = line.clone();
                scatter_add(&mut sums, start, stride, &target);
                for (index, (sum, value)) in sums.iter().zip(&line).enumerate() {
                    let hit = index >= start && (index - start).is_multiple_of(stride);
                    assert_eq!(*sum, if hit { 2.0 * value } else { *value }, "scatter stride {stride} index {index}");
                }
            }
        }
    }

    #[test]
    fn three_taps_stride_two_match_three_scatters() {
        for width in [1, 2, 5, 6, 9] {
            let outputs = (width - 1) / 2 + 1;
            let taps = [ramp(outputs, 100.0), ramp(outputs, 200.0), ramp(outputs, 300.0)];
            let mut fused = ramp(width, 0.0);
            add_three_taps_stride_two(&mut fused, [&taps[0], &taps[1], &taps[2]]);
            let mut plain = ramp(width, 0.0);
            for (tap, values) in taps.iter().enumerate() {
                // Output q reads position 2q + tap − 1; keep the ones inside the line.
                for (q, value) in values.iter().enumerate() {
                    if let Some(position) = (2 * q + tap).checked_sub(1).filter(|&p| p < width) {
                        plain[position] += value;
                    }
                }
            }
            assert_eq!(fused, plain, "width {width}");
        }
    }

    #[test]
    fn four_taps_stride_two_match_four_gathers() {
        for outputs in [1, 2, 3, 4, 16] {
            let line = ramp(2 * outputs, 0.5);
            let mut fused: Vec<Vec<f32>> = (0..4).map(|_| vec![-1.0; outputs]).collect();
            let [a, b, c, d] = &mut fused[..] else { unreachable!("four taps") };
            gather_four_taps_stride_two(&line, [a, b, c, d]);
            for (tap, segment) in fused.iter().enumerate() {
                // Output q reads position 2q + tap − 1; the padding's entries stay −1.
                let expected: Vec<f32> = (0..outputs)
                    .map(|q| (2 * q + tap).checked_sub(1).and_then(|p| line.get(p)).copied().unwrap_or(-1.0))
                    .collect();
                assert_eq!(segment, &expected, "tap {tap}, {outputs} outputs");
            }
        }
    }

    #[test]
    fn four_taps_stride_two_match_four_scatters() {
        for outputs in [1, 2, 3, 4, 16] {
            let width = 2 * outputs;
            let taps = [ramp(outputs, 0.1), ramp(outputs, 100.3), ramp(outputs, 200.7), ramp(outputs, 300.9)];
            let mut fused = ramp(width, 0.5);
            add_four_taps_stride_two(&mut fused, [&taps[0], &taps[1], &taps[2], &taps[3]]);
            let mut plain = ramp(width, 0.5);
            for (tap, values) in taps.iter().enumerate() {
                // Output q reads position 2q + tap − 1; keep the ones inside the line.
                for (q, value) in values.iter().enumerate() {
                    if let Some(position) = (2 * q + tap).checked_sub(1).filter(|&p| p < width) {
                        plain[position] += value;
                    }
                }
            }
            assert_eq!(fused, plain, "width {width}");
        }
    }
}
