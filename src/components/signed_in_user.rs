//! Who is signed in to `dashboard-server serve`, and Sign out, in the header.

use leptos::prelude::*;

use crate::loader::{use_loader, LoaderOptions};

/// "alice · Sign out" where the server signs users in; nothing where it does not.
#[component]
pub fn SignedInUser() -> impl IntoView {
    let session = use_loader(
        || Some(()),
        |_, job| Box::pin(async move { job.client.session(&job.signal).await }),
        LoaderOptions::default(),
    );
    let user = move || session.with(|l| l.data().cloned().flatten());
    view! {
        {move || user().map(|s| {
            let can_sign_out = s.can_sign_out();
            view! {
                <span class="user" title="Signed in">{s.user}</span>
                {can_sign_out.then(|| view! {
                    // A plain form: the server drops the session cookie and shows the
                    // sign-in page; no script is involved.
                    <form class="sign-out" method="post" action="signout">
                        <button type="submit" class="btn btn-ghost">"Sign out"</button>
                    </form>
                })}
            }
        })}
    }
}
