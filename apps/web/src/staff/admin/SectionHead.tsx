import type { ReactNode, Ref } from 'react';

/**
 * A section's head: its title (the heading usePageTitle focuses) with a line of introduction, and
 * the section's main action beside them (below them on a narrow screen).
 */
export function SectionHead({
  headingRef,
  title,
  intro,
  children,
}: {
  headingRef: Ref<HTMLHeadingElement>;
  title: string;
  intro: string;
  children: ReactNode;
}) {
  return (
    <div className="admin-section__head">
      <div className="stack stack--tight">
        <h2 ref={headingRef} tabIndex={-1}>
          {title}
        </h2>
        <p className="text-muted">{intro}</p>
      </div>
      {children}
    </div>
  );
}
