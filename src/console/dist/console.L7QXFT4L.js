import"./chunk.73S35ZUP.js";var Se,$,pt,In,oe,ut,mt,ft,qe,be,me,gt,Ve,$e,Le,An,Te={},ke=[],Pn=/acit|ex(?:s|g|n|p|$)|rph|grid|ows|mnc|ntw|ine[ch]|zoo|^ord|itera/i,Ee=Array.isArray;function te(e,t){for(var n in t)e[n]=t[n];return e}function Ue(e){e&&e.parentNode&&e.parentNode.removeChild(e)}function Fn(e,t,n){var s,u,a,d={};for(a in t)a=="key"?s=t[a]:a=="ref"?u=t[a]:d[a]=t[a];if(arguments.length>2&&(d.children=arguments.length>3?Se.call(arguments,2):n),typeof e=="function"&&e.defaultProps!=null)for(a in e.defaultProps)d[a]===void 0&&(d[a]=e.defaultProps[a]);return we(e,d,s,u,null)}function we(e,t,n,s,u){var a={type:e,props:t,key:n,ref:s,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:u??++pt,__i:-1,__u:0};return u==null&&$.vnode!=null&&$.vnode(a),a}function ee(e){return e.children}function ve(e,t){this.props=e,this.context=t}function ie(e,t){if(t==null)return e.__?ie(e.__,e.__i+1):null;for(var n;t<e.__k.length;t++)if((n=e.__k[t])!=null&&n.__e!=null)return n.__e;return typeof e.type=="function"?ie(e):null}function Cn(e){if(e.__P&&e.__d){var t=e.__v,n=t.__e,s=[],u=[],a=te({},t);a.__v=t.__v+1,$.vnode&&$.vnode(a),je(e.__P,a,t,e.__n,e.__P.namespaceURI,32&t.__u?[n]:null,s,n??ie(t),!!(32&t.__u),u),a.__v=t.__v,a.__.__k[a.__i]=a,wt(s,a,u),t.__e=t.__=null,a.__e!=n&&yt(a)}}function yt(e){if((e=e.__)!=null&&e.__c!=null)return e.__e=e.__c.base=null,e.__k.some(function(t){if(t!=null&&t.__e!=null)return e.__e=e.__c.base=t.__e}),yt(e)}function lt(e){(!e.__d&&(e.__d=!0)&&oe.push(e)&&!xe.__r++||ut!=$.debounceRendering)&&((ut=$.debounceRendering)||mt)(xe)}function xe(){try{for(var e,t=1;oe.length;)oe.length>t&&oe.sort(ft),e=oe.shift(),t=oe.length,Cn(e)}finally{oe.length=xe.__r=0}}function ht(e,t,n,s,u,a,d,c,l,i,p){var f,r,m,v,_,h,w=s&&s.__k||ke,b=t.length;for(l=Mn(n,t,w,l,b),f=0;f<b;f++)(m=n.__k[f])!=null&&(r=m.__i!=-1&&w[m.__i]||Te,m.__i=f,h=je(e,m,r,u,a,d,c,l,i,p),v=m.__e,m.ref&&r.ref!=m.ref&&(r.ref&&Qe(r.ref,null,m),p.push(m.ref,m.__c||v,m)),_==null&&v!=null&&(_=v),4&m.__u?(l=_t(m,l,e),r.__e&&(r.__e=null)):typeof m.type=="function"&&h!==void 0?l=h:v&&(l=v.nextSibling),m.__u&=-7);return n.__e=_,l}function Mn(e,t,n,s,u){var a,d,c,l,i,p=n.length,f=p,r=0;for(e.__k=new Array(u),a=0;a<u;a++)(d=t[a])!=null&&typeof d!="boolean"&&typeof d!="function"?(typeof d=="string"||typeof d=="number"||typeof d=="bigint"||d.constructor==String?d=e.__k[a]=we(null,d,null,null,null):Ee(d)?d=e.__k[a]=we(ee,{children:d},null,null,null):d.constructor===void 0&&d.__b>0?d=e.__k[a]=we(d.type,d.props,d.key,d.ref?d.ref:null,d.__v):e.__k[a]=d,l=a+r,d.__=e,d.__b=e.__b+1,c=null,(i=d.__i=Nn(d,n,l,f))!=-1&&(f--,(c=n[i])&&(c.__u|=2)),c==null||c.__v==null?(i==-1&&(u>p?r--:u<p&&r++),typeof d.type!="function"&&(d.__u|=4)):i!=l&&(i==l-1?r--:i==l+1?r++:(i>l?r--:r++,d.__u|=4))):e.__k[a]=null;if(f)for(a=0;a<p;a++)(c=n[a])!=null&&(2&c.__u)==0&&(c.__e==s&&(s=ie(c)),Tt(c,c));return s}function _t(e,t,n){var s,u;if(typeof e.type=="function"){for(s=e.__k,u=0;s&&u<s.length;u++)s[u]&&(s[u].__=e,t=_t(s[u],t,n));return t}e.__e!=t&&(t&&e.type&&!t.parentNode&&(t=ie(e)),t=n.insertBefore(e.__e,t||null));do t=t&&t.nextSibling;while(t!=null&&t.nodeType==8);return t}function Nn(e,t,n,s){var u,a,d,c=e.key,l=e.type,i=t[n],p=i!=null&&(2&i.__u)==0;if(i===null&&c==null||p&&c==i.key&&l==i.type)return n;if(s>(p?1:0)){for(u=n-1,a=n+1;u>=0||a<t.length;)if((i=t[d=u>=0?u--:a++])!=null&&(2&i.__u)==0&&c==i.key&&l==i.type)return d}return-1}function ct(e,t,n){t[0]=="-"?e.setProperty(t,n??""):e[t]=n==null?"":typeof n!="number"||Pn.test(t)?n:n+"px"}function _e(e,t,n,s,u){var a,d;e:if(t=="style")if(typeof n=="string")e.style.cssText=n;else{if(typeof s=="string"&&(e.style.cssText=s=""),s)for(t in s)n&&t in n||ct(e.style,t,"");if(n)for(t in n)s&&n[t]==s[t]||ct(e.style,t,n[t])}else if(t[0]=="o"&&t[1]=="n")a=t!=(t=t.replace(gt,"$1")),d=t.toLowerCase(),t=d in e||t=="onFocusOut"||t=="onFocusIn"?d.slice(2):t.slice(2),e.l||(e.l={}),e.l[t+a]=n,n?s?n[me]=s[me]:(n[me]=Ve,e.addEventListener(t,a?Le:$e,a)):e.removeEventListener(t,a?Le:$e,a);else{if(u=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{e[t]=n??"";break e}catch{}typeof n=="function"||(n==null||n===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&n==1?"":n))}}function dt(e){return function(t){if(this.l){var n=this.l[t.type+e];if(t[be]==null)t[be]=Ve++;else if(t[be]<n[me])return;return n($.event?$.event(t):t)}}}function je(e,t,n,s,u,a,d,c,l,i){var p,f,r,m,v,_,h,w,b,T,P,F,V,y,E,g,k=t.type;if(t.constructor!==void 0)return null;128&n.__u&&(l=!!(32&n.__u),a=[c=t.__e=n.__e]),(p=$.__b)&&p(t);e:if(typeof k=="function"){f=d.length;try{if(b=t.props,T=k.prototype&&k.prototype.render,P=(p=k.contextType)&&s[p.__c],F=p?P?P.props.value:p.__:s,n.__c?w=(r=t.__c=n.__c).__=r.__E:(T?t.__c=r=new k(b,F):(t.__c=r=new ve(b,F),r.constructor=k,r.render=qn),P&&P.sub(r),r.state||(r.state={}),r.__n=s,m=r.__d=!0,r.__h=[],r._sb=[]),T&&r.__s==null&&(r.__s=r.state),T&&k.getDerivedStateFromProps!=null&&(r.__s==r.state&&(r.__s=te({},r.__s)),te(r.__s,k.getDerivedStateFromProps(b,r.__s))),v=r.props,_=r.state,r.__v=t,m)T&&k.getDerivedStateFromProps==null&&r.componentWillMount!=null&&r.componentWillMount(),T&&r.componentDidMount!=null&&r.__h.push(r.componentDidMount);else{if(T&&k.getDerivedStateFromProps==null&&b!==v&&r.componentWillReceiveProps!=null&&r.componentWillReceiveProps(b,F),t.__v==n.__v||!r.__e&&r.shouldComponentUpdate!=null&&r.shouldComponentUpdate(b,r.__s,F)===!1){t.__v!=n.__v&&(r.props=b,r.state=r.__s,r.__d=!1),t.__e=n.__e,t.__k=n.__k,t.__k.some(function(q){q&&(q.__=t)}),ke.push.apply(r.__h,r._sb),r._sb=[],r.__h.length&&d.push(r),c=ie(n);break e}r.componentWillUpdate!=null&&r.componentWillUpdate(b,r.__s,F),T&&r.componentDidUpdate!=null&&r.__h.push(function(){r.componentDidUpdate(v,_,h)})}if(r.context=F,r.props=b,r.__P=e,r.__e=!1,V=$.__r,y=0,T)r.state=r.__s,r.__d=!1,V&&V(t),p=r.render(r.props,r.state,r.context),ke.push.apply(r.__h,r._sb),r._sb=[];else do r.__d=!1,V&&V(t),p=r.render(r.props,r.state,r.context),r.state=r.__s;while(r.__d&&++y<25);r.state=r.__s,r.getChildContext!=null&&(s=te(te({},s),r.getChildContext())),T&&!m&&r.getSnapshotBeforeUpdate!=null&&(h=r.getSnapshotBeforeUpdate(v,_)),E=p!=null&&p.type===ee&&p.key==null?vt(p.props.children):p,c=ht(e,Ee(E)?E:[E],t,n,s,u,a,d,c,l,i),r.base=t.__e,t.__u&=-161,r.__h.length&&d.push(r),w&&(r.__E=r.__=null)}catch(q){if(d.length=f,t.__v=null,l||a!=null){if(q.then){for(t.__u|=l?160:128;c&&c.nodeType==8&&c.nextSibling;)c=c.nextSibling;a!=null&&(a[a.indexOf(c)]=null),t.__e=c}else if(a!=null)for(g=a.length;g--;)Ue(a[g])}else t.__e=n.__e;t.__k==null&&(t.__k=n.__k||[]),q.then||bt(t),$.__e(q,t,n)}}else a==null&&t.__v==n.__v?(t.__k=n.__k,t.__e=n.__e):c=t.__e=On(n.__e,t,n,s,u,a,d,l,i);return(p=$.diffed)&&p(t),128&t.__u?void 0:c}function bt(e){e&&(e.__c&&(e.__c.__e=!0),e.__k&&e.__k.some(bt))}function wt(e,t,n){for(var s=0;s<n.length;s++)Qe(n[s],n[++s],n[++s]);$.__c&&$.__c(t,e),e.some(function(u){try{e=u.__h,u.__h=[],e.some(function(a){a.call(u)})}catch(a){$.__e(a,u.__v)}})}function vt(e){return typeof e!="object"||e==null||e.__b>0?e:Ee(e)?e.map(vt):e.constructor!==void 0?null:te({},e)}function On(e,t,n,s,u,a,d,c,l){var i,p,f,r,m,v,_,h=n.props||Te,w=t.props,b=t.type;if(b=="svg"?u="http://www.w3.org/2000/svg":b=="math"?u="http://www.w3.org/1998/Math/MathML":u||(u="http://www.w3.org/1999/xhtml"),a!=null){for(i=0;i<a.length;i++)if((m=a[i])&&"setAttribute"in m==!!b&&(b?m.localName==b:m.nodeType==3)){e=m,a[i]=null;break}}if(e==null){if(b==null)return document.createTextNode(w);e=document.createElementNS(u,b,w.is&&w),c&&($.__m&&$.__m(t,a),c=!1),a=null}if(b==null)h===w||c&&e.data==w||(e.data=w);else{if(a=b=="textarea"&&w.defaultValue!=null?null:a&&Se.call(e.childNodes),!c&&a!=null)for(h={},i=0;i<e.attributes.length;i++)h[(m=e.attributes[i]).name]=m.value;for(i in h)m=h[i],i=="dangerouslySetInnerHTML"?f=m:i=="children"||i in w||i=="value"&&"defaultValue"in w||i=="checked"&&"defaultChecked"in w||_e(e,i,null,m,u);for(i in w)m=w[i],i=="children"?r=m:i=="dangerouslySetInnerHTML"?p=m:i=="value"?v=m:i=="checked"?_=m:c&&typeof m!="function"||h[i]===m||_e(e,i,m,h[i],u);if(p)c||f&&(p.__html==f.__html||p.__html==e.innerHTML)||(e.innerHTML=p.__html),t.__k=[];else if(f&&(e.innerHTML=""),ht(t.type=="template"?e.content:e,Ee(r)?r:[r],t,n,s,b=="foreignObject"?"http://www.w3.org/1999/xhtml":u,a,d,a?a[0]:n.__k&&ie(n,0),c,l),a!=null)for(i=a.length;i--;)Ue(a[i]);c&&b!="textarea"||(i="value",b=="progress"&&v==null?e.removeAttribute("value"):v!=null&&(v!==e[i]||b=="progress"&&!v||b=="option"&&v!=h[i])&&_e(e,i,v,h[i],u),i="checked",_!=null&&_!=e[i]&&_e(e,i,_,h[i],u))}return e}function Qe(e,t,n){try{if(typeof e=="function"){var s=typeof e.__u=="function";s&&e.__u(),s&&t==null||(e.__u=e(t))}else e.current=t}catch(u){$.__e(u,n)}}function Tt(e,t,n){var s,u;if($.unmount&&$.unmount(e),(s=e.ref)&&(s.current&&s.current!=e.__e||Qe(s,null,t)),(s=e.__c)!=null){if(s.componentWillUnmount)try{s.componentWillUnmount()}catch(a){$.__e(a,t)}s.base=s.__P=s.__n=null}if(s=e.__k)for(u=0;u<s.length;u++)s[u]&&Tt(s[u],t,n||typeof e.type!="function");n||Ue(e.__e),e.__c=e.__=e.__e=void 0}function qn(e,t,n){return this.constructor(e,n)}function kt(e,t,n){var s,u,a,d;t==document&&(t=document.documentElement),$.__&&$.__(e,t),u=(s=typeof n=="function")?null:n&&n.__k||t.__k,a=[],d=[],je(t,e=(!s&&n||t).__k=Fn(ee,null,[e]),u||Te,Te,t.namespaceURI,!s&&n?[n]:u?null:t.firstChild?Se.call(t.childNodes):null,a,!s&&n?n:u?u.__e:t.firstChild,s,d),wt(a,e,d),e.props.children=null}Se=ke.slice,$={__e:function(e,t,n,s){for(var u,a,d;t=t.__;)if((u=t.__c)&&!u.__)try{if((a=u.constructor)&&a.getDerivedStateFromError!=null&&(u.setState(a.getDerivedStateFromError(e)),d=u.__d),u.componentDidCatch!=null&&(u.componentDidCatch(e,s||{}),d=u.__d),d)return u.__E=u}catch(c){e=c}throw e}},pt=0,In=function(e){return e!=null&&e.constructor===void 0},ve.prototype.setState=function(e,t){var n;n=this.__s!=null&&this.__s!=this.state?this.__s:this.__s=te({},this.state),typeof e=="function"&&(e=e(te({},n),this.props)),e&&te(n,e),e!=null&&this.__v&&(t&&this._sb.push(t),lt(this))},ve.prototype.forceUpdate=function(e){this.__v&&(this.__e=!0,e&&this.__h.push(e),lt(this))},ve.prototype.render=ee,oe=[],mt=typeof Promise=="function"?Promise.prototype.then.bind(Promise.resolve()):setTimeout,ft=function(e,t){return e.__v.__b-t.__v.__b},xe.__r=0,qe=Math.random().toString(8),be="__d"+qe,me="__a"+qe,gt=/(PointerCapture)$|Capture$/i,Ve=0,$e=dt(!1),Le=dt(!0),An=0;var fe,H,He,xt,De=0,Ft=[],B=$,St=B.__b,Et=B.__r,Rt=B.diffed,Dt=B.__c,It=B.unmount,At=B.__;function Be(e,t){B.__h&&B.__h(H,e,De||t),De=0;var n=H.__H||(H.__H={__:[],__h:[]});return e>=n.__.length&&n.__.push({}),n.__[e]}function D(e){return De=1,$n(Mt,e)}function $n(e,t,n){var s=Be(fe++,2);if(s.t=e,!s.__c&&(s.__=[n?n(t):Mt(void 0,t),function(c){var l=s.__N?s.__N[0]:s.__[0],i=s.t(l,c);l!==i&&(s.__N=[i,s.__[1]],s.__c.setState({}))}],s.__c=H,!H.__f)){var u=function(c,l,i){if(!s.__c.__H)return!0;var p=!1,f=s.__c.props!==c;if(s.__c.__H.__.some(function(m){if(m.__N){p=!0;var v=m.__[0];m.__=m.__N,m.__N=void 0,v!==m.__[0]&&(f=!0)}}),a){var r=a.call(this,c,l,i);return p?r||f:r}return!p||f};H.__f=!0;var a=H.shouldComponentUpdate,d=H.componentWillUpdate;H.componentWillUpdate=function(c,l,i){if(this.__e){var p=a;a=void 0,u(c,l,i),a=p}d&&d.call(this,c,l,i)},H.shouldComponentUpdate=u}return s.__N||s.__}function Z(e,t){var n=Be(fe++,3);!B.__s&&Ct(n.__H,t)&&(n.__=e,n.u=t,H.__H.__h.push(n))}function Ie(e){return De=5,We(function(){return{current:e}},[])}function We(e,t){var n=Be(fe++,7);return Ct(n.__H,t)&&(n.__=e(),n.__H=t,n.__h=e),n.__}function Ln(){for(var e;e=Ft.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(Re),t.__h.some(Ge),t.__h=[]}catch(n){t.__h=[],B.__e(n,e.__v)}}}B.__b=function(e){H=null,St&&St(e)},B.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),At&&At(e,t)},B.__r=function(e){Et&&Et(e),fe=0;var t=(H=e.__c).__H;t&&(He===H?(t.__h=[],H.__h=[],t.__.some(function(n){n.__N&&(n.__=n.__N),n.u=n.__N=void 0})):(t.__h.some(Re),t.__h.some(Ge),t.__h=[],fe=0)),He=H},B.diffed=function(e){Rt&&Rt(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&(Ft.push(t)!==1&&xt===B.requestAnimationFrame||((xt=B.requestAnimationFrame)||Vn)(Ln)),t.__H.__.some(function(n){n.u&&(n.__H=n.u,n.u=void 0)})),He=H=null},B.__c=function(e,t){t.some(function(n){try{n.__h.some(Re),n.__h=n.__h.filter(function(s){return!s.__||Ge(s)})}catch(s){t.some(function(u){u.__h&&(u.__h=[])}),t=[],B.__e(s,n.__v)}}),Dt&&Dt(e,t)},B.unmount=function(e){It&&It(e);var t,n=e.__c;n&&n.__H&&(n.__H.__.some(function(s){try{Re(s)}catch(u){t=u}}),n.__H=void 0,t&&B.__e(t,n.__v))};var Pt=typeof requestAnimationFrame=="function";function Vn(e){var t,n=function(){clearTimeout(s),Pt&&cancelAnimationFrame(t),setTimeout(e)},s=setTimeout(n,35);Pt&&(t=requestAnimationFrame(n))}function Re(e){var t=H,n=e.__c;typeof n=="function"&&(e.__c=void 0,n()),H=t}function Ge(e){var t=H;e.__c=e.__(),H=t}function Ct(e,t){return!e||e.length!==t.length||t.some(function(n,s){return n!==e[s]})}function Mt(e,t){return typeof t=="function"?t(e):t}var W=class extends Error{code;extensions;path;errors;constructor(t,n){let s=t[0]??{message:"The API answered with an error but gave no details."};super(s.message,n),this.name="GraphmindError",this.extensions=s.extensions??{},this.code=typeof this.extensions.code=="string"?this.extensions.code:"INTERNAL",this.path=s.path,this.errors=t}},ge=class extends W{constructor(t){super(t),this.name="BadUserInputError"}},ye=class extends W{constructor(t){super(t),this.name="UnauthenticatedError"}},ze=class extends W{constructor(t){super(t),this.name="ForbiddenError"}},Ke=class extends W{constructor(t){super(t),this.name="NotFoundError"}},he=class extends W{constructor(t){super(t),this.name="ConflictError"}},Je=class extends W{retryAfter;constructor(t,n){super(t),this.name="RateLimitedError",this.retryAfter=Nt(this.extensions,n,1)}},Ae=class extends W{retryAfter;constructor(t,n){super(t),this.name="UnavailableError",this.retryAfter=Nt(this.extensions,n,5)}};function se(e){return e instanceof Ae}function Nt(e,t,n){let s=Number(e.retryAfter),u=Number(t);return Number.isFinite(s)&&s>0?s:Number.isFinite(u)&&u>0?u:n}var Ye=class extends W{constructor(t){super(t),this.name="InternalError"}},Pe=class extends Error{attempts;constructor(t,n,s){super(t,s),this.name="ConnectionError",this.attempts=n}};function ue(e,t){switch(e[0]?.extensions?.code){case"BAD_USER_INPUT":case"GRAPHQL_VALIDATION_FAILED":case"GRAPHQL_PARSE_FAILED":return new ge(e);case"UNAUTHENTICATED":return new ye(e);case"FORBIDDEN":return new ze(e);case"NOT_FOUND":return new Ke(e);case"CONFLICT":return new he(e);case"RATE_LIMITED":return new Je(e,t);case"UNAVAILABLE":return new Ae(e,t);default:return new Ye(e)}}function Ot(e){return Array.isArray(e)&&e.length>0&&e.every(t=>typeof t=="object"&&t!==null&&typeof t.message=="string")}var N=class extends String{__apiType;value;__meta__;constructor(t,n){super(t),this.value=t,this.__meta__=n}toString(){return this.value}},mr=new N(`
    fragment MessageFields on Message {
  id
  role
  content
  name
  toolCallId
  artifact
  toolCalls {
    id
    name
    args
  }
}
    `,{fragmentName:"MessageFields"}),fr=new N(`
    fragment RunEventFields on RunEvent {
  __typename
  id
  runId
  sequence
  at
  ... on TokenEvent {
    text
    messageId
    node
  }
  ... on MessageEvent {
    node
    message {
      ...MessageFields
    }
  }
  ... on StateUpdateEvent {
    node
    update
  }
  ... on InterruptEvent {
    interruptId
    node
    value
  }
  ... on ToolEvent {
    toolCallId
    name
    phase
    node
    input
    output
    artifact
    durationMs
  }
  ... on RunStatusEvent {
    status
    error
    queuePosition
  }
}
    fragment MessageFields on Message {
  id
  role
  content
  name
  toolCallId
  artifact
  toolCalls {
    id
    name
    args
  }
}`,{fragmentName:"RunEventFields"}),gr=new N(`
    fragment RunFields on Run {
  id
  threadId
  agentId
  status
  error
  lastSequence
  queuePosition
  attempts
  createdAt
  startedAt
  endedAt
}
    `,{fragmentName:"RunFields"}),yr=new N(`
    fragment ThreadFields on Thread {
  id
  agentId
  title
  status
  metadata
  createdAt
  updatedAt
}
    `,{fragmentName:"ThreadFields"}),hr=new N(`
    fragment MemoryFields on Memory {
  namespace
  key
  value
  version
  createdAt
  updatedAt
  expiresAt
}
    `,{fragmentName:"MemoryFields"}),_r=new N(`
    fragment DocumentFields on Document {
  id
  filename
  title
  mediaType
  sizeBytes
  characters
  chunkCount
  createdAt
}
    `,{fragmentName:"DocumentFields"}),br=new N(`
    fragment PhaseFields on ProjectPhase {
  id
  name
  completion
  isCompleted
  isOverdue
  completedTasks
  totalTasks
}
    `,{fragmentName:"PhaseFields"}),wr=new N(`
    fragment ProjectStatusFields on ProjectStatus {
  planId
  planName
  asOf
  totalPhases
  completedPhases
  totalTasks
  completedTasks
  inProgressTasks
  blockedTasks
  notStartedTasks
  overallCompletion
  currentPhase {
    ...PhaseFields
  }
  phases {
    ...PhaseFields
  }
}
    fragment PhaseFields on ProjectPhase {
  id
  name
  completion
  isCompleted
  isOverdue
  completedTasks
  totalTasks
}`,{fragmentName:"ProjectStatusFields"}),vr=new N(`
    fragment TaskFields on ProjectTask {
  id
  name
  description
  phaseId
  priority
  status
  estimatedHours
  dependencies
  assignee
  updatedAt
}
    `,{fragmentName:"TaskFields"}),qt=new N(`
    query Viewer {
  viewer {
    id
    roles
    anonymous
  }
}
    `),$t=new N(`
    query Agents {
  agents {
    id
    name
    description
  }
}
    `),Lt=new N(`
    query Threads($first: Int, $after: String) {
  threads(first: $first, after: $after) {
    edges {
      node {
        ...ThreadFields
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment ThreadFields on Thread {
  id
  agentId
  title
  status
  metadata
  createdAt
  updatedAt
}`),Vt=new N(`
    query Thread($id: ID!, $runs: Int) {
  thread(id: $id) {
    ...ThreadFields
    messages {
      ...MessageFields
    }
    interrupts {
      id
      value
    }
    runs(last: $runs) {
      edges {
        node {
          ...RunFields
        }
      }
    }
  }
}
    fragment MessageFields on Message {
  id
  role
  content
  name
  toolCallId
  artifact
  toolCalls {
    id
    name
    args
  }
}
fragment RunFields on Run {
  id
  threadId
  agentId
  status
  error
  lastSequence
  queuePosition
  attempts
  createdAt
  startedAt
  endedAt
}
fragment ThreadFields on Thread {
  id
  agentId
  title
  status
  metadata
  createdAt
  updatedAt
}`),Ut=new N(`
    query Run($id: ID!) {
  run(id: $id) {
    ...RunFields
  }
}
    fragment RunFields on Run {
  id
  threadId
  agentId
  status
  error
  lastSequence
  queuePosition
  attempts
  createdAt
  startedAt
  endedAt
}`),jt=new N(`
    mutation CreateThread($input: CreateThreadInput!) {
  createThread(input: $input) {
    ...ThreadFields
  }
}
    fragment ThreadFields on Thread {
  id
  agentId
  title
  status
  metadata
  createdAt
  updatedAt
}`),Qt=new N(`
    mutation SendMessage($input: SendMessageInput!) {
  sendMessage(input: $input) {
    ...RunFields
  }
}
    fragment RunFields on Run {
  id
  threadId
  agentId
  status
  error
  lastSequence
  queuePosition
  attempts
  createdAt
  startedAt
  endedAt
}`),Ht=new N(`
    mutation CancelRun($input: CancelRunInput!) {
  cancelRun(input: $input) {
    ...RunFields
  }
}
    fragment RunFields on Run {
  id
  threadId
  agentId
  status
  error
  lastSequence
  queuePosition
  attempts
  createdAt
  startedAt
  endedAt
}`),Gt=new N(`
    mutation ResumeRun($input: ResumeRunInput!) {
  resumeRun(input: $input) {
    ...RunFields
  }
}
    fragment RunFields on Run {
  id
  threadId
  agentId
  status
  error
  lastSequence
  queuePosition
  attempts
  createdAt
  startedAt
  endedAt
}`),Tr=new N(`
    subscription Chat($input: SendMessageInput!) {
  chat(input: $input) {
    ...RunEventFields
  }
}
    fragment RunEventFields on RunEvent {
  __typename
  id
  runId
  sequence
  at
  ... on TokenEvent {
    text
    messageId
    node
  }
  ... on MessageEvent {
    node
    message {
      ...MessageFields
    }
  }
  ... on StateUpdateEvent {
    node
    update
  }
  ... on InterruptEvent {
    interruptId
    node
    value
  }
  ... on ToolEvent {
    toolCallId
    name
    phase
    node
    input
    output
    artifact
    durationMs
  }
  ... on RunStatusEvent {
    status
    error
    queuePosition
  }
}
fragment MessageFields on Message {
  id
  role
  content
  name
  toolCallId
  artifact
  toolCalls {
    id
    name
    args
  }
}`),Bt=new N(`
    subscription RunEvents($runId: ID!, $after: Int) {
  runEvents(runId: $runId, after: $after) {
    ...RunEventFields
  }
}
    fragment RunEventFields on RunEvent {
  __typename
  id
  runId
  sequence
  at
  ... on TokenEvent {
    text
    messageId
    node
  }
  ... on MessageEvent {
    node
    message {
      ...MessageFields
    }
  }
  ... on StateUpdateEvent {
    node
    update
  }
  ... on InterruptEvent {
    interruptId
    node
    value
  }
  ... on ToolEvent {
    toolCallId
    name
    phase
    node
    input
    output
    artifact
    durationMs
  }
  ... on RunStatusEvent {
    status
    error
    queuePosition
  }
}
fragment MessageFields on Message {
  id
  role
  content
  name
  toolCallId
  artifact
  toolCalls {
    id
    name
    args
  }
}`),Wt=new N(`
    mutation PutMemory($input: PutMemoryInput!) {
  putMemory(input: $input) {
    ...MemoryFields
  }
}
    fragment MemoryFields on Memory {
  namespace
  key
  value
  version
  createdAt
  updatedAt
  expiresAt
}`),zt=new N(`
    query SearchMemories($input: SearchMemoriesInput!) {
  searchMemories(input: $input) {
    score
    memory {
      ...MemoryFields
    }
  }
}
    fragment MemoryFields on Memory {
  namespace
  key
  value
  version
  createdAt
  updatedAt
  expiresAt
}`),Kt=new N(`
    query MemoryNamespaces($prefix: [String!], $maxDepth: Int, $limit: Int) {
  memoryNamespaces(prefix: $prefix, maxDepth: $maxDepth, limit: $limit)
}
    `),Jt=new N(`
    query MemoryHistory($namespace: [String!]!, $key: String!) {
  memoryHistory(namespace: $namespace, key: $key) {
    version
    value
    change
    validFrom
    validTo
    supersededBy
  }
}
    `),Yt=new N(`
    mutation UploadDocument($input: UploadDocumentInput!) {
  uploadDocument(input: $input) {
    ...DocumentFields
  }
}
    fragment DocumentFields on Document {
  id
  filename
  title
  mediaType
  sizeBytes
  characters
  chunkCount
  createdAt
}`),Fe=new N(`
    query Document($id: ID!) {
  document(id: $id) {
    ...DocumentFields
  }
}
    fragment DocumentFields on Document {
  id
  filename
  title
  mediaType
  sizeBytes
  characters
  chunkCount
  createdAt
}`),Xt=new N(`
    query Documents($first: Int) {
  documents(first: $first) {
    edges {
      node {
        ...DocumentFields
      }
    }
  }
}
    fragment DocumentFields on Document {
  id
  filename
  title
  mediaType
  sizeBytes
  characters
  chunkCount
  createdAt
}`),Zt=new N(`
    query ProjectStatus {
  projectStatus {
    ...ProjectStatusFields
  }
}
    fragment PhaseFields on ProjectPhase {
  id
  name
  completion
  isCompleted
  isOverdue
  completedTasks
  totalTasks
}
fragment ProjectStatusFields on ProjectStatus {
  planId
  planName
  asOf
  totalPhases
  completedPhases
  totalTasks
  completedTasks
  inProgressTasks
  blockedTasks
  notStartedTasks
  overallCompletion
  currentPhase {
    ...PhaseFields
  }
  phases {
    ...PhaseFields
  }
}`),en=new N(`
    query NextTasks($limit: Int, $allPhases: Boolean) {
  nextTasks(limit: $limit, allPhases: $allPhases) {
    ...TaskFields
  }
}
    fragment TaskFields on ProjectTask {
  id
  name
  description
  phaseId
  priority
  status
  estimatedHours
  dependencies
  assignee
  updatedAt
}`),tn=new N(`
    query Tasks($first: Int) {
  tasks(first: $first) {
    edges {
      node {
        ...TaskFields
      }
    }
  }
}
    fragment TaskFields on ProjectTask {
  id
  name
  description
  phaseId
  priority
  status
  estimatedHours
  dependencies
  assignee
  updatedAt
}`),nn=new N(`
    mutation UpdateTaskStatus($input: UpdateTaskStatusInput!) {
  updateTaskStatus(input: $input) {
    ...TaskFields
  }
}
    fragment TaskFields on ProjectTask {
  id
  name
  description
  phaseId
  priority
  status
  estimatedHours
  dependencies
  assignee
  updatedAt
}`),rn=new N(`
    subscription ProjectStatusChanged($initial: Boolean) {
  projectStatusChanged(initial: $initial) {
    ...ProjectStatusFields
  }
}
    fragment PhaseFields on ProjectPhase {
  id
  name
  completion
  isCompleted
  isOverdue
  completedTasks
  totalTasks
}
fragment ProjectStatusFields on ProjectStatus {
  planId
  planName
  asOf
  totalPhases
  completedPhases
  totalTasks
  completedTasks
  inProgressTasks
  blockedTasks
  notStartedTasks
  overallCompletion
  currentPhase {
    ...PhaseFields
  }
  phases {
    ...PhaseFields
  }
}`);function z(e){return e===null?"null":Array.isArray(e)?"array":typeof e}function ae(e){return z(e)==="object"}function Un(e){return Array.isArray(e)&&e.length>0&&e.every(t=>"message"in t)}function Xe(e,t){return e.length<124?e:t}var sn="graphql-transport-ws";var J=(e=>(e[e.InternalServerError=4500]="InternalServerError",e[e.InternalClientError=4005]="InternalClientError",e[e.BadRequest=4400]="BadRequest",e[e.BadResponse=4004]="BadResponse",e[e.Unauthorized=4401]="Unauthorized",e[e.Forbidden=4403]="Forbidden",e[e.SubprotocolNotAcceptable=4406]="SubprotocolNotAcceptable",e[e.ConnectionInitialisationTimeout=4408]="ConnectionInitialisationTimeout",e[e.ConnectionAcknowledgementTimeout=4504]="ConnectionAcknowledgementTimeout",e[e.SubscriberAlreadyExists=4409]="SubscriberAlreadyExists",e[e.TooManyInitialisationRequests=4429]="TooManyInitialisationRequests",e))(J||{}),Y=(e=>(e.ConnectionInit="connection_init",e.ConnectionAck="connection_ack",e.Ping="ping",e.Pong="pong",e.Subscribe="subscribe",e.Next="next",e.Error="error",e.Complete="complete",e))(Y||{});function an(e){if(!ae(e))throw new Error(`Message is expected to be an object, but got ${z(e)}`);if(!e.type)throw new Error("Message is missing the 'type' property");if(typeof e.type!="string")throw new Error(`Message is expects the 'type' property to be a string, but got ${z(e.type)}`);switch(e.type){case"connection_init":case"connection_ack":case"ping":case"pong":{if(e.payload!=null&&!ae(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object or nullish or missing, but got "${e.payload}"`);break}case"subscribe":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${z(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!ae(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${z(e.payload)}`);if(typeof e.payload.query!="string")throw new Error(`"${e.type}" message payload expects the 'query' property to be a string, but got ${z(e.payload.query)}`);if(e.payload.variables!=null&&!ae(e.payload.variables))throw new Error(`"${e.type}" message payload expects the 'variables' property to be a an object or nullish or missing, but got ${z(e.payload.variables)}`);if(e.payload.operationName!=null&&z(e.payload.operationName)!=="string")throw new Error(`"${e.type}" message payload expects the 'operationName' property to be a string or nullish or missing, but got ${z(e.payload.operationName)}`);if(e.payload.extensions!=null&&!ae(e.payload.extensions))throw new Error(`"${e.type}" message payload expects the 'extensions' property to be a an object or nullish or missing, but got ${z(e.payload.extensions)}`);break}case"next":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${z(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!ae(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${z(e.payload)}`);break}case"error":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${z(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!Un(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an array of GraphQL errors, but got ${JSON.stringify(e.payload)}`);break}case"complete":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${z(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);break}default:throw new Error(`Invalid message 'type' property "${e.type}"`)}return e}function un(e,t){return an(typeof e=="string"?JSON.parse(e,t):e)}function pe(e,t){return an(e),JSON.stringify(e,t)}function ln(e){let{url:t,connectionParams:n,lazy:s=!0,onNonLazyError:u=console.error,lazyCloseTimeout:a=0,keepAlive:d=0,disablePong:c,connectionAckWaitTimeout:l=0,retryAttempts:i=5,retryWait:p=async function(M){let S=Math.pow(2,M);await new Promise(R=>setTimeout(R,S*1e3+Math.floor(Math.random()*2700+300)))},shouldRetry:f=Ze,on:r,webSocketImpl:m,generateID:v=function(){return"xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g,M=>{let S=Math.random()*16|0;return(M=="x"?S:S&3|8).toString(16)})},jsonMessageReplacer:_,jsonMessageReviver:h}=e,w;if(m){if(!Qn(m))throw new Error("Invalid WebSocket implementation provided");w=m}else typeof WebSocket<"u"?w=WebSocket:typeof global<"u"?w=global.WebSocket||global.MozWebSocket:typeof window<"u"&&(w=window.WebSocket||window.MozWebSocket);if(!w)throw new Error("WebSocket implementation missing; on Node you can `import WebSocket from 'ws';` and pass `webSocketImpl: WebSocket` to `createClient`");let b=w,T=(()=>{let x=(()=>{let S={};return{on(R,C){return S[R]=C,()=>{delete S[R]}},emit(R){"id"in R&&S[R.id]?.(R)}}})(),M={connecting:r?.connecting?[r.connecting]:[],opened:r?.opened?[r.opened]:[],connected:r?.connected?[r.connected]:[],ping:r?.ping?[r.ping]:[],pong:r?.pong?[r.pong]:[],message:r?.message?[x.emit,r.message]:[x.emit],closed:r?.closed?[r.closed]:[],error:r?.error?[r.error]:[]};return{onMessage:x.on,on(S,R){let C=M[S];return C.push(R),()=>{let O=C.indexOf(R);O>-1&&C.splice(O,1)}},emit(S,...R){for(let C of[...M[S]])C(...R)}}})();function P(x){let M=[T.on("error",S=>{M.forEach(R=>R()),x(S)}),T.on("closed",S=>{M.forEach(R=>R()),x(S)})];return()=>M.forEach(S=>S())}let F,V=0,y,E=!1,g=0,k=!1;async function q(){clearTimeout(y);let[x,M]=await(F??(F=new Promise((C,O)=>(async()=>{if(E){if(await p(g),!V)return F=void 0,O({code:1e3,reason:"All Subscriptions Gone"});g++}T.emit("connecting",E);let A=new b(typeof t=="function"?await t():t,sn),j,ne;function ce(){isFinite(d)&&d>0&&(clearTimeout(ne),ne=setTimeout(()=>{A.readyState===b.OPEN&&(A.send(pe({type:Y.Ping})),T.emit("ping",!1,void 0))},d))}P(U=>{F=void 0,clearTimeout(j),clearTimeout(ne),O(U),U instanceof Ce&&(A.close(4499,"Terminated"),A.onerror=null,A.onclose=null)}),A.onerror=U=>T.emit("error",U),A.onclose=U=>T.emit("closed",U),A.onopen=async()=>{try{T.emit("opened",A);let U=typeof n=="function"?await n():n;if(A.readyState!==b.OPEN)return;A.send(pe(U?{type:Y.ConnectionInit,payload:U}:{type:Y.ConnectionInit},_)),isFinite(l)&&l>0&&(j=setTimeout(()=>{A.close(J.ConnectionAcknowledgementTimeout,"Connection acknowledgement timeout")},l)),ce()}catch(U){T.emit("error",U),A.close(J.InternalClientError,Xe(U instanceof Error?U.message:String(U),"Internal client error"))}};let re=!1;A.onmessage=({data:U})=>{try{let Q=un(U,h);if(T.emit("message",Q),Q.type==="ping"||Q.type==="pong"){T.emit(Q.type,!0,Q.payload),Q.type==="pong"?ce():c||(A.send(pe(Q.payload?{type:Y.Pong,payload:Q.payload}:{type:Y.Pong},_)),T.emit("pong",!1,Q.payload));return}if(re)return;if(Q.type!==Y.ConnectionAck)throw new Error(`First message cannot be of type ${Q.type}`);clearTimeout(j),re=!0,T.emit("connected",A,Q.payload,E),E=!1,g=0;let de=new Promise((ur,Dn)=>P(Dn));de.catch(()=>{}),C([A,de])}catch(Q){A.onmessage=null,T.emit("error",Q),A.close(J.BadResponse,Xe(Q instanceof Error?Q.message:String(Q),"Bad response"))}}})())));x.readyState===b.CLOSING&&await M;let S=()=>{},R=new Promise(C=>S=C);return[x,S,new Promise((C,O)=>{let A=P(O);x.readyState!==b.OPEN&&M.catch(O),R.then(()=>{if(A(),!V){let j=()=>x.close(1e3,"Normal Closure");isFinite(a)&&a>0?(clearTimeout(y),y=setTimeout(()=>{!V&&x.readyState===b.OPEN&&j()},a)):j()}C()})})]}function I(x){if(Ze(x)&&(jn(x.code)||[J.InternalServerError,J.InternalClientError,J.BadRequest,J.BadResponse,J.Unauthorized,J.SubprotocolNotAcceptable,J.SubscriberAlreadyExists,J.TooManyInitialisationRequests].includes(x.code)))throw x;if(k)return!1;if(Ze(x)&&x.code===1e3)return V>0;if(!i||g>=i||!f(x))throw x;return E=!0}s||(async()=>{for(V++;;)try{let[,,x]=await q();await x}catch(x){try{if(!I(x))return}catch(M){return u?.(M)}}})();function L(x,M){let S=v(x),R=!1,C=!1,O=()=>{V--,R=!0};return(async()=>{for(V++;;)try{let[A,j,ne]=await q();if(R)return ne.catch(()=>{}),j();let ce=T.onMessage(S,re=>{switch(re.type){case Y.Next:{M.next(re.payload);return}case Y.Error:{C=!0,R=!0,M.error(re.payload),O();return}case Y.Complete:{R=!0,O();return}}});A.send(pe({id:S,type:Y.Subscribe,payload:x},_)),O=()=>{!R&&A.readyState===b.OPEN&&A.send(pe({id:S,type:Y.Complete},_)),V--,R=!0,j()},await ne.finally(ce);return}catch(A){if(!I(A))return}})().then(()=>{C||M.complete()}).catch(A=>{M.error(A)}),()=>{R||O()}}return{on:T.on,subscribe:L,iterate(x){let M=[],S={done:!1,error:null,resolve:()=>{}},R=L(x,{next(O){M.push(O),S.resolve()},error(O){S.done=!0,S.error=O,S.resolve()},complete(){S.done=!0,S.resolve()}}),C=(async function*(){for(;;){for(M.length||await new Promise(A=>S.resolve=A);M.length;)yield M.shift();if(S.error)throw S.error;if(S.done)return}})();return C.throw=async O=>(S.done||(S.done=!0,S.error=O,S.resolve()),{done:!0,value:void 0}),C.return=async()=>(R(),{done:!0,value:void 0}),C},async dispose(){if(k=!0,F){let[x]=await F;x.close(1e3,"Normal Closure")}},terminate(){F&&T.emit("closed",new Ce)}}}var Ce=class extends Error{name="TerminatedCloseEvent";message="4499: Terminated";code=4499;reason="Terminated";wasClean=!1};function Ze(e){return ae(e)&&"code"in e&&"reason"in e}function jn(e){return[1e3,1001,1006,1005,1012,1013,1014].includes(e)?!1:e>=1e3&&e<=1999}function Qn(e){return typeof e=="function"&&"constructor"in e&&"CLOSED"in e&&"CLOSING"in e&&"CONNECTING"in e&&"OPEN"in e}function cn(e){return typeof e=="object"&&e!==null}var dn="x-graphql-event-stream-token";function pn(e){if(e=e,e!=="next"&&e!=="complete")throw new Error(`Invalid stream event "${e}"`);return e}function mn(e,t){if(t)try{t=JSON.parse(t)}catch{throw new Error("Invalid stream data")}if(e==="next"&&!t)throw new Error('Stream data must be an object for "next" events');return t||null}var le;(function(e){e[e.NewLine=10]="NewLine",e[e.CarriageReturn=13]="CarriageReturn",e[e.Space=32]="Space",e[e.Colon=58]="Colon"})(le||(le={}));function fn(){let e,t,n,s=!1,u={event:"",data:""},a=[],d=new TextDecoder;return function(l){if(e===void 0)e=l,t=0,n=-1;else{let f=new Uint8Array(e.length+l.length);f.set(e),f.set(l,e.length),e=f}let i=e.length,p=0;for(;t<i;){s&&(e[t]===le.NewLine&&(p=++t),s=!1);let f=-1;for(;t<i&&f===-1;++t)switch(e[t]){case le.Colon:n===-1&&(n=t-p);break;case le.CarriageReturn:s=!0;case le.NewLine:f=t;break}if(f===-1)break;if(p===f){if(u.event||u.data){if(!u.event)throw new Error("Missing message event");let r=pn(u.event),m=mn(r,u.data);a.push({event:r,data:m}),u={event:"",data:""}}}else if(n>0){let r=e.subarray(p,f),m=d.decode(r.subarray(0,n)),v=n+(r[n+1]===le.Space?2:1),_=d.decode(r.subarray(v));switch(m){case"event":u.event=_;break;case"data":u.data=u.data?u.data+`
`+_:_;break}}p=t,n=-1}if(p===i){e=void 0;let f=[...a];return a=[],f}else p!==0&&(e=e.subarray(p),t-=p)}}function yn(e){let{singleConnection:t=!1,lazy:n=!0,lazyCloseTimeout:s=0,onNonLazyError:u=console.error,generateID:a=function(){return"xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g,E=>{let g=Math.random()*16|0;return(E=="x"?g:g&3|8).toString(16)})},retryAttempts:d=5,retry:c=async function(E){let g=1e3;for(let k=0;k<E;k++)g*=2;await new Promise(k=>setTimeout(k,g+Math.floor(Math.random()*2700+300)))},credentials:l="same-origin",referrer:i,referrerPolicy:p,onMessage:f,on:r}=e,m=e.fetchFn||fetch,v=e.abortControllerImpl||AbortController,_=(()=>{let y=!1,E=[];return{get disposed(){return y},onDispose(g){return y?(setTimeout(()=>g(),0),()=>{}):(E.push(g),()=>{E.splice(E.indexOf(g),1)})},dispose(){if(!y){y=!0;for(let g of[...E])g()}}}})(),h,w,b=0,T=null,P=0;async function F(){try{if(_.disposed)throw new Error("Client has been disposed");return await(w??(w=(async()=>{var y,E,g;if(T){if(await c(P),h.signal.aborted)throw new Error("Connection aborted by the client");P++}(y=r?.connecting)===null||y===void 0||y.call(r,!!T),h=new v;let k=_.onDispose(()=>h.abort());h.signal.addEventListener("abort",()=>{k(),w=void 0});let q=e,I=typeof q.url=="function"?await q.url(void 0):q.url;if(h.signal.aborted)throw new Error("Connection aborted by the client");let L=typeof q.headers=="function"?await q.headers(void 0):(E=q.headers)!==null&&E!==void 0?E:{};if(h.signal.aborted)throw new Error("Connection aborted by the client");let x;try{x=await m(I,{signal:h.signal,method:"PUT",credentials:l,referrer:i,referrerPolicy:p,headers:L})}catch(R){throw new K(R)}if(x.status!==201)throw new K(x);let M=await x.text();L[dn]=M;let S=await gn({signal:h.signal,headers:L,credentials:l,referrer:i,referrerPolicy:p,url:I,fetchFn:m,onMessage:R=>{var C;(C=r?.message)===null||C===void 0||C.call(r,R),f?.(R)}});return(g=r?.connected)===null||g===void 0||g.call(r,!!T),S.waitForThrow().catch(()=>w=void 0),S})()))}catch(y){throw w=void 0,y}}t&&!n&&(async()=>{for(b++;;)try{let{waitForThrow:y}=await F();await y()}catch(y){if(_.disposed)return;if(!(y instanceof K)||(w=void 0,!d||P>=d))return u?.(y);T=y}})();function V(y,E,g){if(!t){let I=new v,L=_.onDispose(()=>{L(),I.abort()});return(async()=>{var x,M,S,R,C;let O=null,A=0;for(;;)try{if(O){if(await c(A),I.signal.aborted)throw new Error("Connection aborted by the client");A++}(x=r?.connecting)===null||x===void 0||x.call(r,!!O),(M=g?.connecting)===null||M===void 0||M.call(g,!!O);let j=e,ne=typeof j.url=="function"?await j.url(y):j.url;if(I.signal.aborted)throw new Error("Connection aborted by the client");let ce=typeof j.headers=="function"?await j.headers(y):(S=j.headers)!==null&&S!==void 0?S:{};if(I.signal.aborted)throw new Error("Connection aborted by the client");let{getResults:re}=await gn({signal:I.signal,headers:{...ce,"content-type":"application/json; charset=utf-8"},credentials:l,referrer:i,referrerPolicy:p,url:ne,body:JSON.stringify(y),fetchFn:m,onMessage:U=>{var Q,de;(Q=r?.message)===null||Q===void 0||Q.call(r,U),(de=g?.message)===null||de===void 0||de.call(g,U),f?.(U)}});(R=r?.connected)===null||R===void 0||R.call(r,!!O),(C=g?.connected)===null||C===void 0||C.call(g,!!O);for await(let U of re())O=null,A=0,E.next(U);return I.abort()}catch(j){if(I.signal.aborted)return;if(!(j instanceof K)||!d||A>=d)throw j;O=j}})().then(()=>E.complete()).catch(x=>E.error(x)),()=>I.abort()}b++;let k=new v,q=_.onDispose(()=>{q(),k.abort()});return(async()=>{let I=a();y={...y,extensions:{...y.extensions,operationId:I}};let L=null;for(;;){L=null;try{let{url:x,headers:M,getResults:S}=await F(),R;try{R=await m(x,{signal:k.signal,method:"POST",credentials:l,referrer:i,referrerPolicy:p,headers:{...M,"content-type":"application/json; charset=utf-8"},body:JSON.stringify(y)})}catch(C){throw new K(C)}if(R.status!==202)throw new K(R);L=async()=>{let C;try{let O=new v,A=_.onDispose(()=>{A(),O.abort()});C=await m(x+"?operationId="+I,{signal:O.signal,method:"DELETE",credentials:l,referrer:i,referrerPolicy:p,headers:M})}catch(O){throw new K(O)}if(C.status!==200)throw new K(C)};for await(let C of S({signal:k.signal,operationId:I}))T=null,P=0,E.next(C);return L=null,k.abort()}catch(x){if(k.signal.aborted)return await L?.();if(!(x instanceof K)||(n&&(w=void 0),!d||P>=d))throw k.abort(),x;T=x}finally{k.signal.aborted&&--b===0&&(isFinite(s)&&s>0?setTimeout(()=>{b||h.abort()},s):h.abort())}}})().then(()=>E.complete()).catch(I=>E.error(I)),()=>k.abort()}return{subscribe:V,iterate(y,E){let g=[],k={done:!1,error:null,resolve:()=>{}},q=V(y,{next(L){g.push(L),k.resolve()},error(L){k.done=!0,k.error=L,k.resolve()},complete(){k.done=!0,k.resolve()}},E),I=(async function*(){for(;;){for(g.length||await new Promise(x=>k.resolve=x);g.length;)yield g.shift();if(k.error)throw k.error;if(k.done)return}})();return I.throw=async L=>(k.done||(k.done=!0,k.error=L,k.resolve()),{done:!0,value:void 0}),I.return=async()=>(q(),{done:!0,value:void 0}),I},dispose(){_.dispose()}}}var K=class extends Error{constructor(t){let n,s;Hn(t)?(s=t,n="Server responded with "+t.status+": "+t.statusText):t instanceof Error?n=t.message:n=String(t),super(n),this.name=this.constructor.name,this.response=s}};function Hn(e){return cn(e)&&typeof e.ok=="boolean"&&typeof e.status=="number"&&typeof e.statusText=="string"}async function gn(e){let{signal:t,url:n,credentials:s,headers:u,body:a,referrer:d,referrerPolicy:c,fetchFn:l,onMessage:i}=e,p={},f={},r;try{r=await l(n,{signal:t,method:a?"POST":"GET",credentials:s,referrer:d,referrerPolicy:c,headers:{...u,accept:"text/event-stream"},body:a})}catch(_){throw new K(_)}if(!r.ok)throw new K(r);if(!r.body)throw new Error("Missing response body");let m=null,v;return(async()=>{var _;try{let h=fn();for await(let w of Gn(r.body)){if(typeof w=="string")throw m=new Error(`Unexpected string chunk "${w}"`);let b;try{b=h(w)}catch(T){throw m=T}if(b)for(let T of b){try{i?.(T)}catch(F){throw m=F}let P=T.data&&"id"in T.data?T.data.id:"";switch(P in f||(f[P]=[]),T.event){case"next":P?f[P].push(T.data.payload):f[P].push(T.data);break;case"complete":f[P].push("complete");break;default:throw m=new Error(`Unexpected message event "${T.event}"`)}(_=p[P])===null||_===void 0||_.proceed()}}if(Object.keys(p).length)throw new Error("Connection closed while having active streams")}catch(h){!m&&Object.keys(p).length?m=new K(h):m=h,v?.(m)}finally{Object.values(p).forEach(({proceed:h})=>h())}})(),{url:n,headers:u,waitForThrow:()=>new Promise((_,h)=>{if(m)return h(m);v=h}),async*getResults(_){var h;let{signal:w,operationId:b=""}=_??{};try{for(;;){for(;!((h=f[b])===null||h===void 0)&&h.length;){let T=f[b].shift();if(T==="complete")return;yield T}if(m)throw m;if(w?.aborted)throw new Error("Getting results aborted by the client");await new Promise(T=>{let P=()=>{w?.removeEventListener("abort",P),delete p[b],T()};w?.addEventListener("abort",P),p[b]={proceed:P}})}}finally{delete f[b]}}}}function Gn(e){return typeof Object(e)[Symbol.asyncIterator]=="function"?(e=e,e):(async function*(){let t=e.getReader(),n;do n=await t.read(),n.value!==void 0&&(yield n.value);while(!n.done)})()}var X=class extends Error{constructor(t,n){super(t,n),this.name="TransportDrop"}};async function hn(e){return typeof e=="function"?await e():e}function _n(e){let t=e.fetch??((i,p)=>fetch(i,p)),n=e.transport??"ws";async function s(i={}){let p=await hn(e.token);return{...e.headers,...i,...p?{authorization:`Bearer ${p}`}:{}}}async function u(i,p){let f;try{f=await t(e.url,{method:"POST",headers:await s({"content-type":"application/json",accept:"application/graphql-response+json, application/json"}),body:JSON.stringify({query:i.toString(),variables:p??{}})})}catch(r){throw new X(`Request to ${e.url} failed: ${String(r)}`,{cause:r})}return await et(f)}let a=n==="ws"?ln({url:e.url.replace(/^http/,"ws"),lazy:!0,retryAttempts:0,lazyCloseTimeout:1e3,connectionParams:async()=>{let i=await hn(e.token);return i?{authorization:`Bearer ${i}`}:{}},...e.webSocketImpl?{webSocketImpl:e.webSocketImpl}:{}}):void 0,d=n==="sse"?yn({url:e.url,singleConnection:!1,retryAttempts:0,headers:()=>s(),fetchFn:t}):void 0;function c(i,p){let f={query:i.toString(),variables:p??{}};return bn(r=>{let m={next:v=>{v.errors&&v.errors.length>0?r.error(ue(v.errors)):r.next(v.data)},error:v=>r.error(zn(v)),complete:()=>r.complete()};return a?a.subscribe(f,m):d.subscribe(f,m)})}async function l(i,p,f,r){let m=new FormData,v=structuredClone(p),_={};Object.keys(f).forEach((F,V)=>{Wn(v,F,null),_[String(V)]=[`variables.${F}`]}),m.set("operations",JSON.stringify({query:i.toString(),variables:v})),m.set("map",JSON.stringify(_)),Object.values(f).forEach((F,V)=>{m.set(String(V),F,F.name??"upload")});let h=await s({"x-graphql-yoga-csrf":"1"}),w=globalThis.XMLHttpRequest;if(r&&w&&!e.fetch)return await Bn(w,e.url,h,m,r);let b;try{b=await t(e.url,{method:"POST",headers:h,body:m})}catch(F){throw new X(`Upload to ${e.url} failed: ${String(F)}`,{cause:F})}let T=await et(b),P=Object.values(f).reduce((F,V)=>F+V.size,0);return r?.(P,P),T}return{request:u,subscribe:c,upload:l,async close(){await a?.dispose(),d?.dispose()}}}async function et(e){let t=await e.text(),n;try{n=JSON.parse(t)}catch{n=void 0}if(n?.errors&&n.errors.length>0)throw ue(n.errors,e.headers.get("retry-after"));if(!e.ok||n?.data===void 0){let s=n?.error??`HTTP ${e.status}: ${t.slice(0,200)}`,u=e.status===429?"RATE_LIMITED":e.status===503?"UNAVAILABLE":e.status===401?"UNAUTHENTICATED":e.status===403?"FORBIDDEN":e.status===404?"NOT_FOUND":"INTERNAL";throw ue([{message:s,extensions:{code:u}}],e.headers.get("retry-after"))}return n.data}function Bn(e,t,n,s,u){return new Promise((a,d)=>{let c=new e;c.open("POST",t);for(let[l,i]of Object.entries(n))c.setRequestHeader(l,i);c.upload.onprogress=l=>u(l.loaded,l.total),c.onerror=()=>d(new X(`Upload to ${t} failed.`)),c.onload=()=>{let l=new Response(c.responseText,{status:c.status,headers:{"retry-after":c.getResponseHeader("retry-after")??""}});et(l).then(a,d)},c.send(s)})}function Wn(e,t,n){let s=t.split("."),u=e;for(let a of s.slice(0,-1))u[a]??={},u=u[a];u[s.at(-1)]=n}function zn(e){if(Ot(e))return ue(e);let t=e?.response;if(t instanceof Response&&t.status===503)return ue([{message:"The API is unavailable (HTTP 503); retry after its Retry-After.",extensions:{code:"UNAVAILABLE"}}],t.headers.get("retry-after"));if(typeof e=="object"&&e!==null&&"code"in e&&"reason"in e){let{code:n,reason:s}=e;return n>=4400&&n<4500&&n!==4408&&n!==4499?ue([{message:`The server closed the connection: ${n} ${s}`,extensions:{code:n===4401||n===4403?"UNAUTHENTICATED":"BAD_USER_INPUT"}}]):new X(`The connection closed (${n}${s?` ${s}`:""}).`,{cause:e})}return new X(`The connection failed: ${e instanceof Error?e.message:String(e)}`,{cause:e})}function bn(e){let t=[],n,s=!1,u,a=()=>{let i=u;u=void 0,i?.()},d=e({next(i){s||(t.push(i),a())},error(i){s||(n={error:i},s=!0,a())},complete(){s=!0,a()}});function c(){s||(s=!0,n=void 0),t.length=0,d(),a()}let l={async next(){for(;;){if(t.length>0)return{value:t.shift(),done:!1};if(n){let{error:i}=n;throw n=void 0,i}if(s)return{value:void 0,done:!0};await new Promise(i=>u=i)}},return(){return c(),Promise.resolve({value:void 0,done:!0})},close:c,[Symbol.asyncIterator](){return l}};return l}var wn=new Set(["SUCCESS","ERROR","INTERRUPTED","CANCELLED"]);async function*vn(e,t,n={}){let s=n.retry?.attempts??8,u=n.after??0,a=0;for(;;){let d=e.subscribe(Bt,{runId:t,after:u}),c;try{for await(let l of d){let i=l.runEvents;if(!(i.sequence<=u)&&(u=i.sequence,a=0,yield i,i.__typename==="RunStatusEvent"&&wn.has(i.status)))return}c=new X("The stream ended before the run's final status.")}catch(l){let i=se(l)||l instanceof W&&typeof l.extensions.resumeAfter=="number";if(l instanceof W&&!i)throw l;c=l}finally{d.close()}if(a++,a>s)throw new Pe(`Lost the stream of run ${t} after sequence ${u}; ${s} reconnects failed.`,a,{cause:c});n.onReconnect?.(a,c),await Jn(Kn(a,c,n.retry))}}function Tn(e,t={}){let n=t.initialDelayMs??100,s=t.maxDelayMs??5e3,u=Math.min(s,n*2**(e-1));return Math.round(u*(.75+Math.random()*.25))}function Kn(e,t,n={}){let s=Tn(e,n);return se(t)?Math.max(s,t.retryAfter*1e3):s}function Jn(e){return new Promise(t=>setTimeout(t,e))}var Yn="query DocumentStatus($id: ID!) { document(id: $id) { status } }",Xn={toString:()=>Yn};async function tt(e,t,n={}){let s=Date.now()+(n.timeoutMs??6e5),u=n.initialDelayMs??200;for(;;){n.signal?.throwIfAborted();let a;try{a=(await e.request(Xn,{id:t.id})).document.status}catch(c){if(c instanceof ge&&/status/.test(c.message)){let l={document:t,status:"READY",followed:!1};return n.onStatus?.(l),l}if(!se(c)||Date.now()>s)throw c;await new Promise(l=>setTimeout(l,c.retryAfter*1e3));continue}if(a==="READY"){let l={document:(await e.request(Fe,{id:t.id})).document,status:a,followed:!0};return n.onStatus?.(l),l}let d={document:t,status:a,followed:!0};if(n.onStatus?.(d),a==="FAILED")throw new W([{message:`Document ${JSON.stringify(t.filename)} failed to ingest.`,extensions:{code:"DOCUMENT_FAILED",documentId:t.id}}]);if(Date.now()>s)throw new Error(`Document ${t.id} still PROCESSING after ${n.timeoutMs} ms.`);await new Promise(c=>setTimeout(c,u)),u=Math.min(n.maxDelayMs??5e3,u*2)}}function nt(e){let t=_n(e),n={...e.retry?{retry:e.retry}:{},...e.onReconnect?{onReconnect:e.onReconnect}:{}};function s(l,i){return t.request(Ht,{input:{runId:l,...i?{action:i}:{}}}).then(p=>p.cancelRun).catch(p=>{if(!(p instanceof he))throw p})}function u(l,i){let p=l();p.catch(()=>{});let{signal:f,cancelAction:r,...m}=i,v=async h=>s((await p).id,h??r),_={run:p,cancel:v,async*[Symbol.asyncIterator](){let{id:h,lastSequence:w}=await p,b=()=>{v().catch(()=>{})};f?.aborted&&b(),f?.addEventListener("abort",b,{once:!0});try{yield*vn(t,h,{...n,...m})}finally{f?.removeEventListener("abort",b)}},async collect(){let h=[];for await(let b of _)h.push(b);return{text:h.map(b=>b.__typename==="TokenEvent"?b.text:"").join(""),events:h,status:h.findLast(b=>b.__typename==="RunStatusEvent")}}};return _}function a(l,i,p={}){let{agentId:f,multitaskStrategy:r,requireApproval:m,...v}=p;return u(()=>t.request(Qt,{input:{threadId:l,content:i,...f?{agentId:f}:{},...r?{multitaskStrategy:r}:{},...m!==void 0?{requireApproval:m}:{}}}).then(_=>_.sendMessage),v)}function d(l,i,p={}){return u(()=>t.request(Gt,{input:{threadId:l,resume:i}}).then(f=>f.resumeRun),p)}async function*c(l){let i=0;for(;!l?.aborted;){let p=0,f=t.subscribe(rn,{initial:!0}),r=()=>f.close();l?.addEventListener("abort",r,{once:!0});try{for await(let m of f)i=0,yield m.projectStatusChanged;if(l?.aborted)return}catch(m){if(!(m instanceof X||se(m))||++i>(e.retry?.attempts??8))throw m;p=se(m)?m.retryAfter*1e3:0}finally{l?.removeEventListener("abort",r),f.close()}await new Promise(m=>setTimeout(m,Math.max(p,Math.min(5e3,100*2**i))))}}return{request:t.request,subscribe:t.subscribe,chat:a,runEvents(l,i={}){let p=t.request(Ut,{id:l}).then(f=>f.run);return u(()=>p,i)},threads:{async create(l={}){let{createThread:i}=await t.request(jt,{input:l});return{thread:i}},async start(l,i={}){let{title:p,metadata:f,...r}=i,{thread:m}=await this.create({...p!==void 0?{title:p}:{},...f!==void 0?{metadata:f}:{},...r.agentId!==void 0?{agentId:r.agentId}:{}});return{thread:m,stream:a(m.id,l,r)}},async get(l,i={}){return(await t.request(Vt,{id:l,runs:i.runs??10})).thread},async list(l={}){return(await t.request(Lt,l)).threads}},interrupts:{approve:(l,i)=>d(l,{approved:!0},i),edit:(l,i,p)=>d(l,{edit:i},p),revise:(l,i,p)=>d(l,{approved:!1,feedback:i},p),resume:d},memories:{async put(l){return(await t.request(Wt,{input:l})).putMemory},async search(l){return(await t.request(zt,{input:l})).searchMemories},async namespaces(l={}){return(await t.request(Kt,l)).memoryNamespaces},async history(l,i){return(await t.request(Jt,{namespace:l,key:i})).memoryHistory}},documents:{async upload(l,i={}){let{uploadDocument:p}=await t.upload(Yt,{input:{file:l,...i.title?{title:i.title}:{}}},{"input.file":l},i.onProgress);return p},async uploadAndFollow(l,i={}){let p=await this.upload(l,i);return await tt(t,p,i)},async get(l){return(await t.request(Fe,{id:l})).document}},project:{async status(){return(await t.request(Zt,{})).projectStatus},async nextTasks(l={}){return(await t.request(en,l)).nextTasks},async updateTask(l,i,p={}){return(await t.request(nn,{input:{taskId:l,status:i,...p.force?{force:!0}:{}}})).updateTaskStatus},watch:(l={})=>c(l.signal)},close:()=>t.close()}}var rt="graphmind.console.token",Me=document.body.dataset.auth==="token"?"token":"none";function ot(){return sessionStorage.getItem(rt)??void 0}function Ne(e){e?sessionStorage.setItem(rt,e):sessionStorage.removeItem(rt)}function st(){return nt({url:new URL("/graphql",location.href).href,transport:"ws",token:()=>Me==="token"?ot():void 0})}function G(e){return e instanceof Error?`${e.name}: ${e.message}`:String(e)}var Zn=0;function o(e,t,n,s,u,a){t||(t={});var d,c,l=t;if("ref"in l)for(c in l={},t)c=="ref"?d=t[c]:l[c]=t[c];var i={type:e,props:l,key:n,ref:d,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:--Zn,__i:-1,__u:0,__source:u,__self:a};if(typeof e=="function"&&(d=e.defaultProps))for(c in d)l[c]===void 0&&(l[c]=d[c]);return $.vnode&&$.vnode(i),i}function at(e){return typeof e=="object"&&e!==null&&e.type==="vega-lite"&&typeof e.spec=="object"}function it({spec:e}){let t=Ie(null),[n,s]=D();Z(()=>{let a,d=!1;return(async()=>{let[c,l]=await Promise.all([import("./chunk.YINGH4LW.js"),import("./chunk.ML55AYK3.js")]);if(d||!t.current)return;let i=l.compile(e).spec,p=new c.View(c.parse(i),{renderer:"svg",container:t.current,hover:!0});a=p,await p.runAsync()})().catch(c=>s(String(c))),()=>{d=!0,a?.finalize()}},[JSON.stringify(e)]);let u=typeof e.title=="string"?e.title:"Chart";return o("figure",{class:"chart",children:[o("div",{ref:t,role:"img","aria-label":u,"data-testid":"chart"}),n&&o("p",{role:"alert",children:["Chart failed: ",n]})]})}function kn({client:e}){let[t,n]=D([]),[s,u]=D([]),[a,d]=D(""),[c,l]=D(),[i,p]=D(),[f,r]=D(),[m,v]=D(!1),[_,h]=D(),w=Ie();async function b(){let g=await e.threads.list({first:50});n(g.edges.map(k=>k.node))}async function T(g){p(await e.threads.get(g,{runs:10}))}Z(()=>{b().catch(g=>h(G(g))),e.request($t,{}).then(g=>{u(g.agents),d(g.agents.find(k=>k.id==="assistant")?.id??g.agents[0]?.id??"")}).catch(g=>h(G(g)))},[]),Z(()=>{c?T(c).catch(g=>h(G(g))):p(void 0)},[c]);async function P(){let{thread:g}=await e.threads.create({agentId:a,title:`Console ${new Date().toLocaleTimeString()}`});return await b(),l(g.id),g.id}async function F(g,k,q){h(void 0),v(!0),r({threadId:g,events:[]}),w.current=q;try{let I=[];for await(let L of k)I.push(L),r({threadId:g,events:[...I]})}catch(I){h(G(I))}finally{v(!1),w.current=void 0,await T(g).catch(I=>h(G(I))),await b().catch(()=>{})}}async function V(g,k){try{let q=c??await P(),I=new AbortController,L=e.chat(q,g,{requireApproval:k,signal:I.signal});await F(q,L,I)}catch(q){h(G(q))}}function y(g,k=""){if(!c)return;let q=new AbortController,I={signal:q.signal},L=g==="approve"?e.interrupts.approve(c,I):g==="edit"?e.interrupts.edit(c,k,I):e.interrupts.revise(c,k,I);F(c,L,q)}let E=m?void 0:i?.interrupts[0];return o("div",{class:"chat",children:[o("aside",{"aria-label":"Threads",children:[o("div",{class:"row",children:[o("label",{for:"agent",children:"Agent"}),o("select",{id:"agent",value:a,onChange:g=>d(g.currentTarget.value),children:s.map(g=>o("option",{value:g.id,children:g.name},g.id))})]}),o("button",{type:"button",onClick:()=>P().catch(g=>h(G(g))),children:"New thread"}),o("ul",{class:"threads",children:t.map(g=>o("li",{children:o("button",{type:"button","aria-current":g.id===c?"true":void 0,onClick:()=>l(g.id),children:[g.title??g.id.slice(0,8)," ",o("small",{children:g.status})]})},g.id))})]}),o("section",{class:"conversation","aria-label":"Conversation",children:[_&&o("p",{role:"alert",class:"error",children:_}),o("ol",{class:"messages","aria-label":"Messages",children:i?.messages.map(g=>o(er,{message:g},g.id))}),f&&f.threadId===c&&f.events.length>0&&o(tr,{events:f.events,finished:!m}),E&&o(nr,{value:E.value,onAnswer:y}),o(rr,{running:m,onSend:V,onStop:()=>w.current?.abort()}),i&&o(or,{runs:i.runs.edges.map(g=>g.node)})]})]})}function er({message:e}){return o("li",{class:`message ${e.role.toLowerCase()}`,children:[o("strong",{children:[e.role.toLowerCase(),e.name?` (${e.name})`:""]}),e.content&&o("p",{children:e.content}),e.toolCalls.map(t=>o("p",{class:"tool",children:["calls ",o("code",{children:t.name})," ",o("code",{children:JSON.stringify(t.args)})]},t.id)),at(e.artifact)&&o(it,{spec:e.artifact.spec})]})}function tr({events:e,finished:t}){let n=e.map(a=>a.__typename==="TokenEvent"?a.text:"").join(""),s=e.findLast(a=>a.__typename==="RunStatusEvent"),u=o(ee,{children:[o("p",{class:"streamed","data-testid":"streamed",children:n}),e.map(a=>a.__typename==="ToolEvent"?o("div",{class:"tool",children:["tool ",o("code",{children:a.name})," ",a.phase.toLowerCase(),a.durationMs!==null?` in ${Math.round(a.durationMs)} ms`:"",at(a.artifact)&&o(it,{spec:a.artifact.spec})]},a.id):null)]});return o("div",{class:"live","aria-live":"polite","data-testid":"live-run",children:[t?o("details",{children:[o("summary",{children:["Streamed events (",e.length,")"]}),u]}):u,s?.__typename==="RunStatusEvent"&&o("p",{class:"status","data-testid":"run-status",children:["Run ",s.status.toLowerCase(),s.queuePosition!==null?` (queue position ${s.queuePosition})`:"",s.error?`: ${s.error}`:""]})]})}function nr({value:e,onAnswer:t}){let n=typeof e=="object"&&e!==null&&typeof e.draft=="string"?e.draft:"",[s,u]=D(n),[a,d]=D("");return o("section",{class:"interrupt","aria-label":"Waiting for your approval",children:[o("h3",{children:"Waiting for your approval"}),o("pre",{"data-testid":"interrupt-value",children:n||JSON.stringify(e,null,2)}),o("button",{type:"button",onClick:()=>t("approve"),children:"Approve"}),o("div",{class:"row",children:[o("label",{for:"edit-reply",children:"Edited reply"}),o("textarea",{id:"edit-reply",value:s,onInput:c=>u(c.currentTarget.value)}),o("button",{type:"button",onClick:()=>t("edit",s),disabled:!s,children:"Save edit"})]}),o("div",{class:"row",children:[o("label",{for:"feedback",children:"Feedback"}),o("input",{id:"feedback",value:a,onInput:c=>d(c.currentTarget.value)}),o("button",{type:"button",onClick:()=>t("revise",a),disabled:!a,children:"Ask to revise"})]})]})}function rr({running:e,onSend:t,onStop:n}){let[s,u]=D(""),[a,d]=D(!1);function c(l){l.preventDefault(),!(!s.trim()||e)&&(t(s,a),u(""))}return o("form",{class:"composer",onSubmit:c,children:[o("label",{for:"message",children:"Message"}),o("textarea",{id:"message",value:s,onInput:l=>u(l.currentTarget.value),onKeyDown:l=>{l.key==="Enter"&&(l.ctrlKey||l.metaKey)&&c(l)},"aria-describedby":"message-hint"}),o("small",{id:"message-hint",children:"Ctrl+Enter sends."}),o("label",{children:[o("input",{type:"checkbox",checked:a,onChange:l=>d(l.currentTarget.checked)})," ","Require my approval"]}),o("button",{type:"submit",disabled:e,children:"Send"}),o("button",{type:"button",onClick:n,disabled:!e,children:"Stop"})]})}function or({runs:e}){return e.length===0?null:o("details",{class:"runs",children:[o("summary",{children:["Runs (",e.length,")"]}),o("table",{children:[o("thead",{children:o("tr",{children:[o("th",{scope:"col",children:"Run"}),o("th",{scope:"col",children:"Status"}),o("th",{scope:"col",children:"Events"}),o("th",{scope:"col",children:"Started"})]})}),o("tbody",{children:e.map(t=>o("tr",{children:[o("td",{children:o("code",{children:t.id.slice(0,8)})}),o("td",{children:t.status}),o("td",{children:t.lastSequence}),o("td",{children:t.startedAt?new Date(t.startedAt).toLocaleTimeString():""})]},t.id))})]})]})}var xn=e=>e.split(/[/,]/).map(t=>t.trim()).filter(t=>t.length>0);function Sn({client:e}){let[t,n]=D([]),[s,u]=D(""),[a,d]=D(""),[c,l]=D(),[i,p]=D(),[f,r]=D(),[m,v]=D("notes"),[_,h]=D(""),[w,b]=D(""),T=()=>e.memories.namespaces({limit:200}).then(n,y=>r(G(y)));Z(()=>{T()},[]);async function P(y,E){r(void 0),p(void 0);try{l(await e.memories.search({namespacePrefix:y,...E.trim()?{query:E}:{},limit:20}))}catch(g){r(G(g))}}async function F(y,E){try{p({key:E,versions:await e.memories.history(y,E)})}catch(g){r(G(g))}}async function V(y){y.preventDefault();try{await e.memories.put({namespace:xn(m),..._.trim()?{key:_.trim()}:{},value:{content:w}}),b(""),await T()}catch(E){r(G(E))}}return o("div",{class:"memories",children:[o("aside",{"aria-label":"Namespaces",children:[o("h2",{children:"Namespaces"}),o("ul",{children:t.map(y=>o("li",{children:o("button",{type:"button",onClick:()=>{u(y.join("/")),P(y,"")},children:y.join(" / ")})},y.join("/")))})]}),o("section",{"aria-label":"Search memories",children:[f&&o("p",{role:"alert",class:"error",children:f}),o("form",{class:"row",onSubmit:y=>{y.preventDefault(),P(xn(s),a)},children:[o("label",{for:"memory-prefix",children:"Namespace prefix"}),o("input",{id:"memory-prefix",value:s,placeholder:"all",onInput:y=>u(y.currentTarget.value)}),o("label",{for:"memory-query",children:"Query"}),o("input",{id:"memory-query",value:a,onInput:y=>d(y.currentTarget.value)}),o("button",{type:"submit",children:"Search"})]}),c&&o("table",{"data-testid":"memory-results",children:[o("caption",{children:[c.length," memories"]}),o("thead",{children:o("tr",{children:[o("th",{scope:"col",children:"Score"}),o("th",{scope:"col",children:"Namespace"}),o("th",{scope:"col",children:"Key"}),o("th",{scope:"col",children:"Value"}),o("th",{scope:"col",children:"Version"}),o("th",{scope:"col"})]})}),o("tbody",{children:c.map(y=>o("tr",{children:[o("td",{class:"score",children:y.score===null?"":y.score.toFixed(3)}),o("td",{children:y.memory.namespace.join(" / ")}),o("td",{children:o("code",{children:y.memory.key})}),o("td",{children:JSON.stringify(y.memory.value)}),o("td",{children:y.memory.version}),o("td",{children:o("button",{type:"button",onClick:()=>F(y.memory.namespace,y.memory.key),"aria-label":`History of ${y.memory.key}`,children:"History"})})]},`${y.memory.namespace.join("/")}:${y.memory.key}`))})]}),i&&o("section",{"aria-label":`History of ${i.key}`,children:[o("h3",{children:["History of ",i.key]}),o("ol",{children:i.versions.map(y=>o("li",{children:["v",y.version,": ",JSON.stringify(y.value)," ",o("small",{children:["from ",new Date(y.validFrom).toLocaleString(),y.change?`, ${y.change.toLowerCase()}`:", current"]})]},y.version))})]}),o("form",{class:"row",onSubmit:V,"aria-label":"Store a memory",children:[o("label",{for:"new-namespace",children:"Namespace"}),o("input",{id:"new-namespace",value:m,onInput:y=>v(y.currentTarget.value)}),o("label",{for:"new-key",children:"Key"}),o("input",{id:"new-key",value:_,placeholder:"new id",onInput:y=>h(y.currentTarget.value)}),o("label",{for:"new-content",children:"Content"}),o("input",{id:"new-content",value:w,onInput:y=>b(y.currentTarget.value)}),o("button",{type:"submit",disabled:!w.trim(),children:"Store"})]})]})]})}function En({client:e}){let[t,n]=D([]),[s,u]=D(),[a,d]=D(""),[c,l]=D(),[i,p]=D(),[f,r]=D(),m=()=>e.request(Xt,{first:50}).then(_=>n(_.documents.edges.map(h=>h.node)),_=>r(G(_)));Z(()=>{m()},[]);async function v(_){if(_.preventDefault(),!!s){r(void 0),p("Uploading");try{let h=await e.documents.uploadAndFollow(s,{...a?{title:a}:{},onProgress:(w,b)=>l({loaded:w,total:b}),onStatus:w=>p(w.status)});p(`${h.status}: ${h.document.chunkCount} passages`),await m()}catch(h){p(void 0),r(G(h))}}}return o("section",{class:"documents","aria-label":"Documents",children:[f&&o("p",{role:"alert",class:"error",children:f}),o("form",{class:"row",onSubmit:v,children:[o("label",{for:"document-file",children:"File (.txt, .md, .pdf, .docx)"}),o("input",{id:"document-file",type:"file",accept:".txt,.md,.pdf,.docx",onChange:_=>u(_.currentTarget.files?.[0])}),o("label",{for:"document-title",children:"Title"}),o("input",{id:"document-title",value:a,onInput:_=>d(_.currentTarget.value)}),o("button",{type:"submit",disabled:!s,children:"Upload"})]}),c&&o("p",{children:[o("label",{for:"upload-progress",children:"Upload"})," ",o("progress",{id:"upload-progress",value:c.loaded,max:c.total||1})," ",Math.round(c.loaded/1024)," of ",Math.round(c.total/1024)," KiB"]}),i&&o("p",{"data-testid":"document-status","aria-live":"polite",children:i}),o("table",{children:[o("caption",{children:[t.length," documents"]}),o("thead",{children:o("tr",{children:[o("th",{scope:"col",children:"Title"}),o("th",{scope:"col",children:"File"}),o("th",{scope:"col",children:"Size"}),o("th",{scope:"col",children:"Passages"}),o("th",{scope:"col",children:"Added"})]})}),o("tbody",{children:t.map(_=>o("tr",{children:[o("td",{children:_.title??""}),o("td",{children:_.filename}),o("td",{children:[Math.round(_.sizeBytes/1024)," KiB"]}),o("td",{children:_.chunkCount}),o("td",{children:new Date(_.createdAt).toLocaleString()})]},_.id))})]})]})}var sr=["NOT_STARTED","IN_PROGRESS","COMPLETED","BLOCKED"];function Rn({client:e}){let[t,n]=D(),[s,u]=D([]),[a,d]=D([]),[c,l]=D(0),[i,p]=D();Z(()=>{let r=new AbortController;return(async()=>{for await(let m of e.project.watch({signal:r.signal})){let[v,_]=await Promise.all([e.request(tn,{first:100}),e.project.nextTasks({limit:5,allPhases:!0})]);u(v.tasks.edges.map(h=>h.node)),d(_),n(m),l(h=>h+1)}})().catch(m=>{r.signal.aborted||p(G(m))}),()=>r.abort()},[]);async function f(r,m){p(void 0);try{await e.project.updateTask(r.id,m,{force:!0})}catch(v){p(G(v))}}return t?o("section",{class:"project","aria-label":"Project status",children:[i&&o("p",{role:"alert",class:"error",children:i}),o("h2",{children:t.planName}),o("dl",{class:"figures","data-testid":"project-figures","data-updates":c,children:[o("dt",{children:"Overall"}),o("dd",{children:[t.overallCompletion.toFixed(1)," %"]}),o("dt",{children:"Tasks done"}),o("dd",{children:[t.completedTasks," / ",t.totalTasks]}),o("dt",{children:"In progress"}),o("dd",{"data-testid":"in-progress",children:t.inProgressTasks}),o("dt",{children:"Blocked"}),o("dd",{children:t.blockedTasks}),o("dt",{children:"Current phase"}),o("dd",{children:t.currentPhase?.name??"none"})]}),o("table",{children:[o("caption",{children:"Phases"}),o("thead",{children:o("tr",{children:[o("th",{scope:"col",children:"Phase"}),o("th",{scope:"col",children:"Completion"}),o("th",{scope:"col",children:"Tasks"})]})}),o("tbody",{children:t.phases.map(r=>o("tr",{children:[o("td",{children:[r.name,r.isOverdue?" (overdue)":""]}),o("td",{children:[o("progress",{value:r.completion,max:100,"aria-label":`${r.name} completion`})," ",r.completion.toFixed(0)," %"]}),o("td",{children:[r.completedTasks," / ",r.totalTasks]})]},r.id))})]}),o("h3",{children:"Next tasks"}),o("ol",{children:a.map(r=>o("li",{children:[r.name," ",o("small",{children:r.priority.toLowerCase()})]},r.id))}),o("table",{children:[o("caption",{children:"Tasks"}),o("thead",{children:o("tr",{children:[o("th",{scope:"col",children:"Task"}),o("th",{scope:"col",children:"Priority"}),o("th",{scope:"col",children:"Hours"}),o("th",{scope:"col",children:"Status"})]})}),o("tbody",{children:s.map(r=>o("tr",{"data-task":r.id,children:[o("td",{children:r.name}),o("td",{children:r.priority.toLowerCase()}),o("td",{children:r.estimatedHours}),o("td",{children:o("select",{"aria-label":`Status of ${r.name}`,value:r.status,onChange:m=>f(r,m.currentTarget.value),children:sr.map(m=>o("option",{value:m,children:m.replace("_"," ").toLowerCase()},m))})})]},r.id))})]})]}):o("section",{"aria-label":"Project status",children:i?o("p",{role:"alert",class:"error",children:i}):o("p",{children:"Loading the plan\u2026"})})}var Oe={chat:{label:"Chat",View:kn},memories:{label:"Memories",View:Sn},documents:{label:"Documents",View:En},project:{label:"Project",View:Rn}};function ar(){let e=We(st,[]),[t,n]=D(Me==="none"||ot()!==void 0),[s,u]=D(location.hash.slice(1)in Oe?location.hash.slice(1):"chat");if(!t)return o(ir,{onSignedIn:()=>n(!0)});let{View:a}=Oe[s];return o(ee,{children:[o("header",{children:[o("h1",{children:"Graphmind console"}),o("nav",{"aria-label":"Views",children:Object.keys(Oe).map(d=>o("a",{href:`#${d}`,"aria-current":d===s?"page":void 0,onClick:()=>u(d),children:Oe[d].label}))}),Me==="token"&&o("button",{type:"button",onClick:()=>{Ne(void 0),n(!1)},children:"Sign out"})]}),o("main",{children:o(a,{client:e})})]})}function ir({onSignedIn:e}){let[t,n]=D(""),[s,u]=D();async function a(d){d.preventDefault(),Ne(t.trim());let c=st();try{await c.request(qt,{}),e()}catch(l){Ne(void 0),u(l instanceof ye?"That token was refused.":G(l))}finally{await c.close()}}return o("main",{class:"sign-in",children:[o("h1",{children:"Graphmind console"}),o("form",{onSubmit:a,children:[o("label",{for:"token",children:"Access token (a JWT, e.g. from `deno task token`)"}),o("input",{id:"token",type:"password",autocomplete:"off",value:t,onInput:d=>n(d.currentTarget.value)}),o("button",{type:"submit",disabled:!t.trim(),children:"Sign in"}),s&&o("p",{role:"alert",class:"error",children:s})]})]})}kt(o(ar,{}),document.getElementById("app"));
