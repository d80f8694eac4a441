//! How the Winograd transforms cut maps into tiles (`Tiles`: 2×2 output tiles, each read through
//! the 4×4 input tile around it, worked a band of tile rows at a time) and the buffers they reuse
//! (`TileScratch`: padded maps kept as their even and odd columns, so that tile t of a row reads
//! even and odd columns t and t + 1 as whole vectors).

/// How maps of `side` [height, width] are cut into 2×2 output tiles (the last ones cut off at an
/// odd side), each read through the 4×4 input tile around it, zero-padded by 1; and which band of
/// tile rows the map transforms work on (all of them unless [`Tiles::band`] narrows it, so that a
/// band's transformed values stay in the core's cache).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tiles {
    /// [height, width] of the maps.
    pub side: [usize; 2],
    /// Tiles [down, across].
    pub count: [usize; 2],
    /// The tile rows worked on: [first, end).
    pub rows: [usize; 2],
}

impl Tiles {
    /// The tiles of maps of `side`, every row of them.
    pub fn of(side: [usize; 2]) -> Self {
        let count = side.map(|length| length.div_ceil(2));
        Self { side, count, rows: [0, count[0]] }
    }

    /// Only tile rows `first..end`.
    pub fn band(self, first: usize, end: usize) -> Self {
        Self { rows: [first, end.min(self.count[0])], ..self }
    }

    /// Tiles of one map in the band.
    pub fn per_map(&self) -> usize {
        (self.rows[1] - self.rows[0]) * self.count[1]
    }

    /// Values of one map.
    pub fn map_values(&self) -> usize {
        self.side[0] * self.side[1]
    }

    /// Even (or odd) columns of a padded row: one more than the tiles across.
    pub(super) fn half_width(&self) -> usize {
        self.count[1] + 1
    }

    /// Values of one padded map's even (or odd) half: padded by 1 and up to whole tiles.
    pub(super) fn half_plane(&self) -> usize {
        (2 * self.count[0] + 2) * self.half_width()
    }

    /// Where map `map_index`'s band of tiles sits in a [16][channels][columns] buffer of `len`
    /// values: the stride from one position's matrix to the next, and the band's first column.
    pub(super) fn columns_of(&self, len: usize, channels: usize, map_index: usize) -> (usize, usize) {
        let channels = channels.max(1);
        let columns = len / (16 * channels);
        (channels * columns, (map_index % channels) * columns + (map_index / channels) * self.per_map())
    }

    /// The column of tile row `tile_row` (in the band) of a map whose band starts at `first`.
    pub(super) fn row_start(&self, first: usize, tile_row: usize) -> usize {
        first + (tile_row - self.rows[0]) * self.count[1]
    }
}

/// Padded maps kept as their even and odd columns apart ([maps][padded rows][half width] each;
/// padded column p is map column p − 1).
#[derive(Default)]
pub(super) struct SplitPlanes {
    pub(super) even: Vec<f32>,
    pub(super) odd: Vec<f32>,
}

impl SplitPlanes {
    /// Room for `maps` maps of `tiles` (what they held stays).
    fn sized(&mut self, maps: usize, tiles: Tiles) {
        let len = maps * tiles.half_plane();
        for half in [&mut self.even, &mut self.odd] {
            if half.len() < len {
                half.resize(len, 0.0);
            }
        }
    }

    /// `map` ([height, width]) laid into plane 0, with zeros around it: only the padded rows
    /// the band's tiles read.
    #[inline(always)]
    pub(super) fn fill_band(&mut self, map: &[f32], tiles: Tiles) {
        self.sized(1, tiles);
        let (width, half) = (tiles.side[1], tiles.half_width());
        for padded_row in 2 * tiles.rows[0]..2 * tiles.rows[1] + 2 {
            let start = padded_row * half;
            let (even, odd) = (&mut self.even[start..start + half], &mut self.odd[start..start + half]);
            even.fill(0.0);
            odd.fill(0.0);
            let Some(values) = padded_row.checked_sub(1).and_then(|row| map.chunks_exact(width.max(1)).nth(row)) else {
                continue;
            };
            // Map column 2i is padded column 2i + 1 (odd i); map column 2i + 1 is even i + 1.
            for (pair, (odd, even)) in values.chunks(2).zip(odd.iter_mut().zip(&mut even[1..])) {
                *odd = pair[0];
                *even = pair.get(1).copied().unwrap_or(0.0);
            }
        }
    }

    /// Plane `plane`'s values inside the padding, written into `map` ([height, width]).
    #[inline(always)]
    fn write_map(&self, plane: usize, tiles: Tiles, map: &mut [f32]) {
        let (width, half) = (tiles.side[1], tiles.half_width());
        let first = plane * tiles.half_plane();
        for (row, values) in map.chunks_exact_mut(width.max(1)).enumerate() {
            let start = first + (row + 1) * half;
            let (even, odd) = (&self.even[start + 1..start + half], &self.odd[start..start + half]);
            for (pair, (odd, even)) in values.chunks_mut(2).zip(odd.iter().zip(even)) {
                pair[0] = *odd;
                if let Some(value) = pair.get_mut(1) {
                    *value = *even;
                }
            }
        }
    }
}

/// Buffers the map transforms reuse: the padded map being transformed, the padded maps an input
/// gradient is added up in over the bands, and rows of intermediate values.
#[derive(Default)]
pub struct TileScratch {
    pub(super) input: SplitPlanes,
    pub(super) gradient: SplitPlanes,
    pub(super) rows: Vec<f32>,
}

impl TileScratch {
    /// Zeros for the input gradients of `maps` maps of `tiles`, for
    /// [`transform_input_adjoint`] to add into band by band.
    pub fn start_input_gradient(&mut self, maps: usize, tiles: Tiles) {
        let len = maps * tiles.half_plane();
        for half in [&mut self.gradient.even, &mut self.gradient.odd] {
            half.clear();
            half.resize(len, 0.0);
        }
    }

    /// The input gradients added up since [`Self::start_input_gradient`], written into `maps`
    /// ([images, channels, height, width]).
    pub fn finish_input_gradient(&self, tiles: Tiles, maps: &mut [f32]) {
        for (plane, map) in maps.chunks_exact_mut(tiles.map_values().max(1)).enumerate() {
            self.gradient.write_map(plane, tiles, map);
        }
    }

    /// `count` rows of `length` values of intermediate results.
    pub(super) fn rows(&mut self, count: usize, length: usize) -> Vec<&mut [f32]> {
        if self.rows.len() < count * length {
            self.rows.resize(count * length, 0.0);
        }
        self.rows[..count * length].chunks_exact_mut(length.max(1)).collect()
    }
}
