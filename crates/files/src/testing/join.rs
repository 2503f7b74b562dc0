//! A minimal `join_all` so the suite can race commits without depending on
//! an async runtime (the domain crate stays runtime-free).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

struct JoinAll<'a, T> {
    futures: Vec<Option<Boxed<'a, T>>>,
    results: Vec<Option<T>>,
}

// Neither the boxed futures nor the results are ever pinned in place.
impl<T> Unpin for JoinAll<'_, T> {}

impl<T> Future for JoinAll<'_, T> {
    type Output = Vec<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Vec<T>> {
        let this = self.get_mut();
        let mut pending = false;
        for (slot, result) in this.futures.iter_mut().zip(this.results.iter_mut()) {
            if let Some(f) = slot {
                match f.as_mut().poll(cx) {
                    Poll::Ready(v) => {
                        *result = Some(v);
                        *slot = None;
                    }
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(this.results.iter_mut().filter_map(Option::take).collect())
        }
    }
}

/// Polls every future concurrently on the current task; results in order.
pub async fn join_all<'a, T: Send + 'a>(futures: Vec<Boxed<'a, T>>) -> Vec<T> {
    let results = futures.iter().map(|_| None).collect();
    JoinAll {
        futures: futures.into_iter().map(Some).collect(),
        results,
    }
    .await
}
