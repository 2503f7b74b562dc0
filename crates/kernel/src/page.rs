//! Offset pagination as the contract's `skip`/`limit` envelopes need it.

/// Which slice of a list to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Rows to skip.
    pub skip: u64,
    /// Rows to return at most.
    pub limit: u64,
}

/// One slice of a list plus the total, from which envelopes derive page numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The rows of this slice.
    pub items: Vec<T>,
    /// How many rows match in all.
    pub total: u64,
}

impl<T> Page<T> {
    /// Converts the rows, keeping the total.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
        }
    }
}
